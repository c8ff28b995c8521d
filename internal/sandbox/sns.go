package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/iampolicy"
)

// SNS: awsquery, version 2010-03-31, over the topics and subscriptions the
// CloudFormation engine created. Publish delivers to the topic's SQS
// subscriptions (raw, or wrapped in SNS's JSON envelope, as each
// subscription's RawMessageDelivery says) when the queue's policy lets
// sns.amazonaws.com send from the topic — as in AWS, a queue without such a
// policy silently gets nothing (the sandbox logs it). Other protocols are
// recorded but never delivered to, and filter policies are not evaluated.
func init() {
	handleQuery("sns", "2010-03-31", "http://sns.amazonaws.com/doc/2010-03-31/", map[string]queryHandler{
		"GetTopicAttributes":        snsGetTopicAttributes,
		"SetTopicAttributes":        snsSetTopicAttributes,
		"ListTopics":                snsListTopics,
		"ListSubscriptionsByTopic":  snsListSubscriptionsByTopic,
		"ListSubscriptions":         snsListSubscriptions,
		"GetSubscriptionAttributes": snsGetSubscriptionAttributes,
		"Subscribe":                 snsSubscribe,
		"Publish":                   snsPublish,
	})
}

func snsNotFound(what string) *APIError {
	return apiError(http.StatusNotFound, "NotFound", "%s does not exist", what)
}

func snsInvalid(format string, args ...any) *APIError {
	return apiError(http.StatusBadRequest, "InvalidParameter", "Invalid parameter: "+format, args...)
}

func snsRequired(p queryParams, name string) (string, error) {
	v := p.get(name)
	if v == "" {
		return "", apiError(http.StatusBadRequest, "ValidationError",
			"1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null",
			strings.ToLower(name[:1])+name[1:])
	}
	return v, nil
}

var snsTopicARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$`)

// topicFor finds the topic a request names (caller holds a.mu).
func (a *Account) topicFor(arn string) (*SNSTopic, error) {
	if !snsTopicARNPattern.MatchString(arn) {
		return nil, snsInvalid("TopicArn")
	}
	t := a.snsTopics[arn]
	if t == nil {
		return nil, snsNotFound("Topic")
	}
	return t, nil
}

type snsEntry struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

type snsAttributesResult struct {
	Entries []snsEntry `xml:"Attributes>entry"`
}

func entries(m map[string]string) []snsEntry {
	var out []snsEntry
	for _, k := range sortedKeys(m) {
		out = append(out, snsEntry{k, m[k]})
	}
	return out
}

func snsGetTopicAttributes(c *call, p queryParams) (any, error) {
	arn, err := snsRequired(p, "TopicArn")
	if err != nil {
		return nil, err
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	t, err := a.topicFor(arn)
	if err != nil {
		return nil, err
	}
	attrs := map[string]string{}
	for k, v := range t.Attributes {
		attrs[k] = v
	}
	confirmed, pending := 0, 0
	for _, s := range a.snsSubscriptions {
		if s.TopicARN != arn {
			continue
		}
		if s.Attributes["PendingConfirmation"] == "true" {
			pending++
		} else {
			confirmed++
		}
	}
	attrs["SubscriptionsConfirmed"] = strconv.Itoa(confirmed)
	attrs["SubscriptionsPending"] = strconv.Itoa(pending)
	attrs["SubscriptionsDeleted"] = "0"
	attrs["EffectiveDeliveryPolicy"] = `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,` +
		`"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,` +
		`"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}`
	return &snsAttributesResult{Entries: entries(attrs)}, nil
}

// snsPage returns the slice of sorted items after the NextToken (an opaque
// token naming the last item of the previous page), 100 per page.
func snsPage(p queryParams, items []string) (page []string, next string, err error) {
	start := 0
	if tok := p.get("NextToken"); tok != "" {
		raw, decErr := base64.RawURLEncoding.DecodeString(tok)
		i := slices.Index(items, string(raw))
		if decErr != nil || i < 0 {
			return nil, "", snsInvalid("NextToken")
		}
		start = i + 1
	}
	end := min(start+100, len(items))
	if end < len(items) {
		next = base64.RawURLEncoding.EncodeToString([]byte(items[end-1]))
	}
	return items[start:end], next, nil
}

type snsListTopicsResult struct {
	Topics    []struct{ TopicArn string } `xml:"Topics>member"`
	NextToken string                      `xml:",omitempty"`
}

func snsListTopics(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	page, next, err := snsPage(p, sortedKeys(a.snsTopics))
	if err != nil {
		return nil, err
	}
	res := &snsListTopicsResult{NextToken: next}
	for _, arn := range page {
		res.Topics = append(res.Topics, struct{ TopicArn string }{arn})
	}
	return res, nil
}

type snsSubscriptionXML struct {
	SubscriptionArn string
	Owner           string
	Protocol        string
	Endpoint        string
	TopicArn        string
}

type snsListSubscriptionsResult struct {
	Subscriptions []snsSubscriptionXML `xml:"Subscriptions>member"`
	NextToken     string               `xml:",omitempty"`
}

func subscriptionXML(s *SNSSubscription) snsSubscriptionXML {
	arn := s.ARN
	if s.Attributes["PendingConfirmation"] == "true" {
		arn = "PendingConfirmation"
	}
	return snsSubscriptionXML{SubscriptionArn: arn, Owner: s.Owner, Protocol: s.Protocol, Endpoint: s.Endpoint, TopicArn: s.TopicARN}
}

func (a *Account) listSubscriptions(p queryParams, topicARN string) (any, error) {
	var arns []string
	for _, arn := range sortedKeys(a.snsSubscriptions) {
		if topicARN == "" || a.snsSubscriptions[arn].TopicARN == topicARN {
			arns = append(arns, arn)
		}
	}
	page, next, err := snsPage(p, arns)
	if err != nil {
		return nil, err
	}
	res := &snsListSubscriptionsResult{NextToken: next}
	for _, arn := range page {
		res.Subscriptions = append(res.Subscriptions, subscriptionXML(a.snsSubscriptions[arn]))
	}
	return res, nil
}

func snsListSubscriptionsByTopic(c *call, p queryParams) (any, error) {
	arn, err := snsRequired(p, "TopicArn")
	if err != nil {
		return nil, err
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, err := a.topicFor(arn); err != nil {
		return nil, err
	}
	return a.listSubscriptions(p, arn)
}

func snsListSubscriptions(c *call, p queryParams) (any, error) {
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.listSubscriptions(p, "")
}

func snsGetSubscriptionAttributes(c *call, p queryParams) (any, error) {
	arn, err := snsRequired(p, "SubscriptionArn")
	if err != nil {
		return nil, err
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.snsSubscriptions[arn]
	if s == nil {
		if !strings.HasPrefix(arn, "arn:") {
			return nil, snsInvalid("SubscriptionArn")
		}
		return nil, snsNotFound("Subscription")
	}
	attrs := map[string]string{"SubscriptionArn": s.ARN, "TopicArn": s.TopicARN, "Owner": s.Owner, "Protocol": s.Protocol,
		"Endpoint": s.Endpoint, "SubscriptionPrincipal": a.CallerARN}
	for k, v := range s.Attributes {
		attrs[k] = v
	}
	return &snsAttributesResult{Entries: entries(attrs)}, nil
}

var sqsARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$`)

func snsSubscribe(c *call, p queryParams) (any, error) {
	arn, err := snsRequired(p, "TopicArn")
	if err != nil {
		return nil, err
	}
	protocol, err := snsRequired(p, "Protocol")
	if err != nil {
		return nil, err
	}
	endpoint := p.get("Endpoint")
	if !slices.Contains(snsProtocols, protocol) {
		return nil, snsInvalid("Amazon SNS does not support this protocol string: %s", protocol)
	}
	if protocol == "sqs" && !sqsARNPattern.MatchString(endpoint) {
		return nil, snsInvalid("SQS endpoint ARN")
	}
	attrs := map[string]string{}
	for _, e := range p.structs("Attributes.entry") {
		attrs[e.get("key")] = e.get("value")
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, err := a.topicFor(arn); err != nil {
		return nil, err
	}
	var sub *SNSSubscription
	for _, s := range a.snsSubscriptions {
		if s.TopicARN == arn && s.Protocol == protocol && s.Endpoint == endpoint {
			sub = s
			break
		}
	}
	if sub == nil {
		sub = a.subscribe(arn, protocol, endpoint, attrs)
	}
	res := struct{ SubscriptionArn string }{sub.ARN}
	if sub.Attributes["PendingConfirmation"] == "true" && p.get("ReturnSubscriptionArn") != "true" {
		res.SubscriptionArn = "pending confirmation"
	}
	return &res, nil
}

// snsMessageAttribute is a Publish message attribute.
type snsMessageAttribute struct {
	DataType    string
	StringValue string
	BinaryValue []byte
}

func snsPublish(c *call, p queryParams) (any, error) {
	arn := p.get("TopicArn")
	if arn == "" {
		arn = p.get("TargetArn")
	}
	if arn == "" {
		if p.get("PhoneNumber") != "" {
			return nil, snsInvalid("the SellerDesk sandbox does not send SMS; publish to a topic")
		}
		return nil, snsInvalid("TopicArn or TargetArn Reason: no value for required parameter")
	}
	msg, err := snsRequired(p, "Message")
	if err != nil {
		return nil, err
	}
	if len(msg) > 262144 {
		return nil, snsInvalid("Message too long")
	}
	subject := p.get("Subject")
	if len(subject) > 100 {
		return nil, snsInvalid("Subject")
	}
	var perProtocol map[string]string
	if p.get("MessageStructure") == "json" {
		if json.Unmarshal([]byte(msg), &perProtocol) != nil || perProtocol["default"] == "" {
			return nil, snsInvalid("Message Structure - No default entry in JSON message body")
		}
	}
	attrs := map[string]snsMessageAttribute{}
	for _, e := range p.structs("MessageAttributes.entry") {
		at := snsMessageAttribute{DataType: e.get("Value.DataType"), StringValue: e.get("Value.StringValue")}
		if b := e.get("Value.BinaryValue"); b != "" {
			if at.BinaryValue, err = base64.StdEncoding.DecodeString(b); err != nil {
				return nil, snsInvalid("The message attribute '%s' has an invalid binary value.", e.get("Name"))
			}
		}
		if at.DataType == "" {
			return nil, snsInvalid("The message attribute '%s' must contain non-empty message attribute type.", e.get("Name"))
		}
		attrs[e.get("Name")] = at
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	t, err := a.topicFor(arn)
	if err != nil {
		return nil, err
	}
	id := a.publish(t, snsNotification{message: msg, perProtocol: perProtocol, subject: subject, attrs: attrs}, time.Now())
	return &struct{ MessageId string }{id}, nil
}

// snsNotification is a message published to a topic.
type snsNotification struct {
	message     string
	perProtocol map[string]string // MessageStructure json
	subject     string
	attrs       map[string]snsMessageAttribute
}

// publish delivers n to the topic's SQS subscriptions and returns the message
// ID (caller holds a.mu).
func (a *Account) publish(t *SNSTopic, n snsNotification, now time.Time) string {
	id := newUUID()
	for _, subARN := range sortedKeys(a.snsSubscriptions) {
		s := a.snsSubscriptions[subARN]
		if s.TopicARN != t.ARN || s.Protocol != "sqs" {
			continue
		}
		q := a.findQueue(s.Endpoint)
		if q == nil {
			a.logf("sandbox: sns: %s cannot deliver to %s: no such queue", t.ARN, s.Endpoint)
			continue
		}
		if !policyAllows(q.Attributes["Policy"], iampolicy.Request{Service: "sns.amazonaws.com", Action: "sqs:SendMessage",
			Resource: q.ARN, Context: map[string]string{"aws:SourceArn": t.ARN, "aws:SourceAccount": a.ID}}) {
			a.logf("sandbox: sns: %s cannot deliver to %s: the queue policy does not allow sns.amazonaws.com to send from the topic", t.ARN, q.ARN)
			continue
		}
		msg := n.message
		if v, ok := n.perProtocol["sqs"]; ok {
			msg = v
		} else if n.perProtocol != nil {
			msg = n.perProtocol["default"]
		}
		if s.Attributes["RawMessageDelivery"] == "true" {
			var attrs map[string]sqsAttributeValue
			for name, at := range n.attrs {
				if attrs == nil {
					attrs = map[string]sqsAttributeValue{}
				}
				v := sqsAttributeValue{DataType: at.DataType}
				if at.BinaryValue != nil {
					v.BinaryValue = at.BinaryValue
				} else {
					sv := at.StringValue
					v.StringValue = &sv
				}
				attrs[name] = v
			}
			a.enqueue(q, msg, attrs, snsSenderID, now, 0)
			continue
		}
		a.enqueue(q, snsEnvelope(id, t.ARN, s.ARN, msg, n, now), nil, snsSenderID, now, 0)
	}
	return id
}

// snsEnvelope is the JSON document SNS wraps a message in for non-raw delivery.
func snsEnvelope(id, topicARN, subARN, msg string, n snsNotification, now time.Time) string {
	region := strings.Split(topicARN, ":")[3]
	type attr struct{ Type, Value string }
	env := struct {
		Type              string
		MessageId         string
		TopicArn          string
		Subject           string `json:",omitempty"`
		Message           string
		Timestamp         string
		SignatureVersion  string
		Signature         string
		SigningCertURL    string
		UnsubscribeURL    string
		MessageAttributes map[string]attr `json:",omitempty"`
	}{
		Type: "Notification", MessageId: id, TopicArn: topicARN, Subject: n.subject, Message: msg,
		Timestamp:        now.UTC().Format("2006-01-02T15:04:05.000Z"),
		SignatureVersion: "1",
		Signature:        base64.StdEncoding.EncodeToString([]byte(randomString(256, base64Chars)))[:344],
		SigningCertURL:   "https://sns." + region + ".amazonaws.com/SimpleNotificationService-sandbox.pem",
		UnsubscribeURL:   "https://sns." + region + ".amazonaws.com/?Action=Unsubscribe&SubscriptionArn=" + subARN,
	}
	for name, at := range n.attrs {
		if env.MessageAttributes == nil {
			env.MessageAttributes = map[string]attr{}
		}
		v := at.StringValue
		if at.BinaryValue != nil {
			v = base64.StdEncoding.EncodeToString(at.BinaryValue)
		}
		env.MessageAttributes[name] = attr{at.DataType, v}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(env)
	return strings.TrimSuffix(buf.String(), "\n")
}
