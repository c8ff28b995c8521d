package sandbox

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// SQS: AWS JSON 1.0 (X-Amz-Target AmazonSQS.<Op>), awsQueryCompatible: errors
// carry the x-amzn-query-error header with the legacy code, e.g.
// "AWS.SimpleQueueService.NonExistentQueue;Sender", which boto3 and the AWS
// CLI report. Queues are the ones the CloudFormation engine created; their
// URLs use the sandbox URL as host.
func init() {
	registerService("sqs", &jsonService{jsonProtocol{version: "1.0", queryErrors: sqsQueryErrors}, "AmazonSQS", map[string]jsonHandler{
		"GetQueueUrl":        jsonOp(sqsGetQueueURL),
		"GetQueueAttributes": jsonOp(sqsGetQueueAttributes),
		"SetQueueAttributes": jsonOp(sqsSetQueueAttributes),
		"ListQueues":         jsonOp(sqsListQueues),
		"SendMessage":        jsonOp(sqsSendMessage),
		"ReceiveMessage":     jsonOp(sqsReceiveMessage),
		"DeleteMessage":      jsonOp(sqsDeleteMessage),
	}})
}

// sqsQueryErrors maps SQS's JSON error codes to their awsquery codes.
var sqsQueryErrors = map[string]string{
	"QueueDoesNotExist":      "AWS.SimpleQueueService.NonExistentQueue",
	"ReceiptHandleIsInvalid": "ReceiptHandleIsInvalid",
	"InvalidAttributeName":   "InvalidAttributeName",
	"InvalidParameterValue":  "InvalidParameterValue",
	"MissingParameter":       "MissingParameter",
	"InvalidMessageContents": "InvalidMessageContents",
	"InvalidAddress":         "InvalidAddress",
}

// sqsMaxWait caps how long a ReceiveMessage long poll really waits: a
// WaitTimeSeconds of up to 20 is accepted, but the sandbox answers (empty)
// after at most this long. A message arriving meanwhile ends the wait at once.
const sqsMaxWait = 5 * time.Second

// snsSenderID is the SenderId of messages SNS delivers to a queue.
const snsSenderID = "AIDAIT2UOQQY3AUEKVGXU"

// sqsMessage is a message in a queue (guarded by Account.mu).
type sqsMessage struct {
	id, body       string
	md5Body        string
	attrs          map[string]sqsAttributeValue
	senderID       string
	sent           time.Time
	visibleAt      time.Time // delay or visibility timeout
	receiveCount   int
	firstReceive   time.Time
	receiptCounter int
}

func (m *sqsMessage) snapshot(now time.Time) SQSMessage {
	s := SQSMessage{ID: m.id, Body: m.body, Sent: m.sent, ReceiveCount: m.receiveCount,
		InFlight: m.receiveCount > 0 && now.Before(m.visibleAt)}
	if len(m.attrs) > 0 {
		s.MessageAttributes = map[string]string{}
		for k, v := range m.attrs {
			if v.StringValue != nil {
				s.MessageAttributes[k] = *v.StringValue
			}
		}
	}
	return s
}

// sqsAttributeValue is a message attribute (JSON shape MessageAttributeValue).
type sqsAttributeValue struct {
	DataType         string   `json:"DataType"`
	StringValue      *string  `json:"StringValue,omitempty"`
	BinaryValue      []byte   `json:"BinaryValue,omitempty"`
	StringListValues []string `json:"StringListValues,omitempty"`
	BinaryListValues [][]byte `json:"BinaryListValues,omitempty"`
}

func sqsNoQueue() *APIError {
	return apiError(http.StatusBadRequest, "QueueDoesNotExist", "The specified queue does not exist.")
}

func sqsInvalid(format string, args ...any) *APIError {
	return apiError(http.StatusBadRequest, "InvalidParameterValue", format, args...)
}

// queueFor finds the queue of a request's QueueUrl (caller holds a.mu).
func (a *Account) queueFor(url *string) (*SQSQueue, error) {
	if url == nil || *url == "" {
		return nil, apiError(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter QueueUrl.")
	}
	q := a.findQueue(*url)
	if q == nil {
		return nil, sqsNoQueue()
	}
	return q, nil
}

// --- GetQueueUrl / ListQueues ---------------------------------------------------

type sqsGetQueueURLInput struct {
	QueueName              *string
	QueueOwnerAWSAccountId string
}

func sqsGetQueueURL(c *call, in *sqsGetQueueURLInput) (any, error) {
	if in.QueueName == nil || *in.QueueName == "" {
		return nil, apiError(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter QueueName.")
	}
	a := c.acct
	if in.QueueOwnerAWSAccountId != "" && in.QueueOwnerAWSAccountId != a.ID {
		return nil, sqsNoQueue()
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	q := a.sqsQueues[*in.QueueName]
	if q == nil {
		return nil, sqsNoQueue()
	}
	return map[string]string{"QueueUrl": q.URL}, nil
}

type sqsListQueuesInput struct {
	QueueNamePrefix string
	MaxResults      *int
	NextToken       string
}

func sqsListQueues(c *call, in *sqsListQueuesInput) (any, error) {
	if in.MaxResults != nil && (*in.MaxResults < 1 || *in.MaxResults > 1000) {
		return nil, sqsInvalid("Value %d for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.", *in.MaxResults)
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	var urls []string
	for _, name := range sortedKeys(a.sqsQueues) {
		if strings.HasPrefix(name, in.QueueNamePrefix) && name > in.NextToken {
			urls = append(urls, a.sqsQueues[name].URL)
		}
	}
	out := map[string]any{}
	limit := 1000
	if in.MaxResults != nil {
		limit = *in.MaxResults
	}
	if len(urls) > limit {
		urls = urls[:limit]
		last := urls[limit-1]
		out["NextToken"] = last[strings.LastIndex(last, "/")+1:]
	}
	if len(urls) > 0 {
		out["QueueUrls"] = urls
	}
	return out, nil
}

// --- GetQueueAttributes ------------------------------------------------------------

var sqsAttributeNames = []string{
	"Policy", "VisibilityTimeout", "MaximumMessageSize", "MessageRetentionPeriod", "ApproximateNumberOfMessages",
	"ApproximateNumberOfMessagesNotVisible", "CreatedTimestamp", "LastModifiedTimestamp", "QueueArn",
	"ApproximateNumberOfMessagesDelayed", "DelaySeconds", "ReceiveMessageWaitTimeSeconds", "RedrivePolicy", "FifoQueue",
	"ContentBasedDeduplication", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "DeduplicationScope",
	"FifoThroughputLimit", "RedriveAllowPolicy", "SqsManagedSseEnabled",
}

type sqsGetQueueAttributesInput struct {
	QueueUrl       *string
	AttributeNames []string
}

func sqsGetQueueAttributes(c *call, in *sqsGetQueueAttributesInput) (any, error) {
	for _, n := range in.AttributeNames {
		if n != "All" && !slices.Contains(sqsAttributeNames, n) {
			return nil, apiError(http.StatusBadRequest, "InvalidAttributeName", "Unknown Attribute %s.", n)
		}
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	q, err := a.queueFor(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	all := q.currentAttributes(time.Now())
	attrs := map[string]string{}
	for _, n := range in.AttributeNames {
		if n == "All" {
			attrs = all
			break
		}
		if v, ok := all[n]; ok {
			attrs[n] = v
		}
	}
	if len(attrs) == 0 {
		return struct{}{}, nil
	}
	return map[string]any{"Attributes": attrs}, nil
}

// currentAttributes are the queue's attributes plus the message counts.
func (q *SQSQueue) currentAttributes(now time.Time) map[string]string {
	attrs := map[string]string{}
	for k, v := range q.Attributes {
		attrs[k] = v
	}
	visible, inFlight, delayed := 0, 0, 0
	for _, m := range q.messages {
		switch {
		case !now.Before(m.visibleAt):
			visible++
		case m.receiveCount > 0:
			inFlight++
		default:
			delayed++
		}
	}
	attrs["ApproximateNumberOfMessages"] = strconv.Itoa(visible)
	attrs["ApproximateNumberOfMessagesNotVisible"] = strconv.Itoa(inFlight)
	attrs["ApproximateNumberOfMessagesDelayed"] = strconv.Itoa(delayed)
	return attrs
}

func (q *SQSQueue) intAttribute(name string, def int) int {
	if n, err := strconv.Atoi(q.Attributes[name]); err == nil {
		return n
	}
	return def
}

// --- SendMessage ---------------------------------------------------------------------

type sqsSendMessageInput struct {
	QueueUrl          *string
	MessageBody       *string
	DelaySeconds      *int
	MessageAttributes map[string]sqsAttributeValue
}

func sqsSendMessage(c *call, in *sqsSendMessageInput) (any, error) {
	if in.MessageBody == nil {
		return nil, apiError(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter MessageBody.")
	}
	if in.DelaySeconds != nil && (*in.DelaySeconds < 0 || *in.DelaySeconds > 900) {
		return nil, sqsInvalid("Value %d for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.", *in.DelaySeconds)
	}
	if err := checkMessageBody(*in.MessageBody); err != nil {
		return nil, err
	}
	for name, v := range in.MessageAttributes {
		if err := checkMessageAttribute(name, v); err != nil {
			return nil, err
		}
	}
	id, _ := c.caller()
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	q, err := a.queueFor(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	size := len(*in.MessageBody)
	for name, v := range in.MessageAttributes {
		size += len(name) + len(v.DataType) + len(derefString(v.StringValue)) + len(v.BinaryValue)
	}
	if limit := q.intAttribute("MaximumMessageSize", 262144); size > limit {
		return nil, sqsInvalid("One or more parameters are invalid. Reason: Message must be shorter than %d bytes.", limit)
	}
	delay := q.intAttribute("DelaySeconds", 0)
	if in.DelaySeconds != nil {
		delay = *in.DelaySeconds
	}
	m := a.enqueue(q, *in.MessageBody, in.MessageAttributes, id.UserID, time.Now(), time.Duration(delay)*time.Second)
	out := map[string]string{"MessageId": m.id, "MD5OfMessageBody": m.md5Body}
	if len(m.attrs) > 0 {
		out["MD5OfMessageAttributes"] = md5OfMessageAttributes(m.attrs)
	}
	return out, nil
}

func derefString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// checkMessageBody enforces SQS's body rules: not empty, and only the
// characters #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF.
func checkMessageBody(body string) error {
	if body == "" {
		return sqsInvalid("The request must contain the parameter MessageBody.")
	}
	valid := utf8.ValidString(body)
	for _, r := range body {
		ok := r == 0x9 || r == 0xA || r == 0xD || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
		if !ok || !valid {
			return apiError(http.StatusBadRequest, "InvalidMessageContents",
				"Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF")
		}
	}
	return nil
}

func checkMessageAttribute(name string, v sqsAttributeValue) error {
	base, _, _ := strings.Cut(v.DataType, ".")
	switch {
	case v.DataType == "":
		return sqsInvalid("The message attribute '%s' must contain non-empty message attribute type.", name)
	case base != "String" && base != "Number" && base != "Binary":
		return sqsInvalid("The type of message attribute '%s' is invalid. You must use only the following supported type prefixes: Binary, Number, String.", name)
	case (base == "Binary") != (v.BinaryValue != nil):
		return sqsInvalid("The message attribute '%s' with type '%s' must use field '%s'.", name, base,
			map[bool]string{true: "Binary", false: "String"}[base == "Binary"])
	}
	return nil
}

// enqueue adds a message to q and wakes any long poll (caller holds a.mu).
func (a *Account) enqueue(q *SQSQueue, body string, attrs map[string]sqsAttributeValue, sender string, now time.Time, delay time.Duration) *sqsMessage {
	sum := md5.Sum([]byte(body))
	m := &sqsMessage{id: newUUID(), body: body, md5Body: hex.EncodeToString(sum[:]), senderID: sender,
		sent: now, visibleAt: now.Add(delay)}
	if len(attrs) > 0 {
		m.attrs = attrs
	}
	q.messages = append(q.messages, m)
	if q.wake != nil {
		close(q.wake)
		q.wake = nil
	}
	return m
}

// md5OfMessageAttributes is SQS's digest of message attributes: for each
// attribute in name order, the length-prefixed name, data type, a transport
// byte (1 string, 2 binary) and the length-prefixed value.
func md5OfMessageAttributes(attrs map[string]sqsAttributeValue) string {
	h := md5.New()
	put := func(b []byte) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	names := make([]string, 0, len(attrs))
	for k := range attrs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		v := attrs[name]
		put([]byte(name))
		put([]byte(v.DataType))
		if v.BinaryValue != nil {
			h.Write([]byte{2})
			put(v.BinaryValue)
		} else {
			h.Write([]byte{1})
			put([]byte(derefString(v.StringValue)))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// --- ReceiveMessage / DeleteMessage -------------------------------------------------------

type sqsReceiveMessageInput struct {
	QueueUrl                    *string
	MaxNumberOfMessages         *int
	VisibilityTimeout           *int
	WaitTimeSeconds             *int
	AttributeNames              []string
	MessageSystemAttributeNames []string
	MessageAttributeNames       []string
	ReceiveRequestAttemptId     string
}

type sqsMessageJSON struct {
	MessageId              string
	ReceiptHandle          string
	MD5OfBody              string
	Body                   string
	Attributes             map[string]string            `json:",omitempty"`
	MD5OfMessageAttributes string                       `json:",omitempty"`
	MessageAttributes      map[string]sqsAttributeValue `json:",omitempty"`
}

func sqsReceiveMessage(c *call, in *sqsReceiveMessageInput) (any, error) {
	maxN := 1
	if in.MaxNumberOfMessages != nil {
		maxN = *in.MaxNumberOfMessages
		if maxN < 1 || maxN > 10 {
			return nil, sqsInvalid("Value %d for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.", maxN)
		}
	}
	if in.VisibilityTimeout != nil && (*in.VisibilityTimeout < 0 || *in.VisibilityTimeout > 43200) {
		return nil, sqsInvalid("Value %d for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.", *in.VisibilityTimeout)
	}
	if in.WaitTimeSeconds != nil && (*in.WaitTimeSeconds < 0 || *in.WaitTimeSeconds > 20) {
		return nil, sqsInvalid("Value %d for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.", *in.WaitTimeSeconds)
	}
	a := c.acct
	var deadline time.Time
	for first := true; ; first = false {
		a.mu.Lock()
		q, err := a.queueFor(in.QueueUrl)
		if err != nil {
			a.mu.Unlock()
			return nil, err
		}
		now := time.Now()
		if first {
			wait := q.intAttribute("ReceiveMessageWaitTimeSeconds", 0)
			if in.WaitTimeSeconds != nil {
				wait = *in.WaitTimeSeconds
			}
			deadline = now.Add(min(time.Duration(wait)*time.Second, sqsMaxWait))
		}
		vis := q.intAttribute("VisibilityTimeout", 30)
		if in.VisibilityTimeout != nil {
			vis = *in.VisibilityTimeout
		}
		msgs := q.receive(now, maxN, time.Duration(vis)*time.Second, in)
		if len(msgs) > 0 || !now.Before(deadline) {
			a.mu.Unlock()
			if len(msgs) == 0 {
				return struct{}{}, nil
			}
			return map[string]any{"Messages": msgs}, nil
		}
		if q.wake == nil {
			q.wake = make(chan struct{})
		}
		wake := q.wake
		a.mu.Unlock()

		// Wake on a new message, or when the earliest delayed / in-flight
		// message becomes visible, or at the deadline.
		timer := time.NewTimer(min(time.Until(deadline), 100*time.Millisecond))
		select {
		case <-wake:
		case <-timer.C:
		case <-c.req.Context().Done():
			timer.Stop()
			return struct{}{}, nil
		case <-a.ctx.Done():
			timer.Stop()
			return struct{}{}, nil
		}
		timer.Stop()
	}
}

// receive takes up to n visible messages, hiding them for vis (caller holds a.mu).
func (q *SQSQueue) receive(now time.Time, n int, vis time.Duration, in *sqsReceiveMessageInput) []sqsMessageJSON {
	var out []sqsMessageJSON
	sysNames := append(slices.Clone(in.AttributeNames), in.MessageSystemAttributeNames...)
	for _, m := range q.messages {
		if len(out) == n {
			break
		}
		if now.Before(m.visibleAt) {
			continue
		}
		m.receiveCount++
		m.receiptCounter++
		if m.firstReceive.IsZero() {
			m.firstReceive = now
		}
		m.visibleAt = now.Add(vis)
		j := sqsMessageJSON{MessageId: m.id, MD5OfBody: m.md5Body, Body: m.body,
			ReceiptHandle: base64.StdEncoding.EncodeToString([]byte(q.Name + "\n" + m.id + "\n" + strconv.Itoa(m.receiptCounter) + "\n" + randomString(24, upperAlnum)))}
		sys := map[string]string{
			"SenderId":                         m.senderID,
			"SentTimestamp":                    strconv.FormatInt(m.sent.UnixMilli(), 10),
			"ApproximateReceiveCount":          strconv.Itoa(m.receiveCount),
			"ApproximateFirstReceiveTimestamp": strconv.FormatInt(m.firstReceive.UnixMilli(), 10),
		}
		for _, name := range sysNames {
			if name == "All" {
				j.Attributes = sys
				break
			}
			if v, ok := sys[name]; ok {
				if j.Attributes == nil {
					j.Attributes = map[string]string{}
				}
				j.Attributes[name] = v
			}
		}
		for name, v := range m.attrs {
			if wantAttribute(in.MessageAttributeNames, name) {
				if j.MessageAttributes == nil {
					j.MessageAttributes = map[string]sqsAttributeValue{}
				}
				j.MessageAttributes[name] = v
			}
		}
		if len(j.MessageAttributes) > 0 {
			j.MD5OfMessageAttributes = md5OfMessageAttributes(j.MessageAttributes)
		}
		out = append(out, j)
	}
	return out
}

// wantAttribute matches a message attribute name against MessageAttributeNames
// ("All", ".*", exact names, or "prefix.*").
func wantAttribute(patterns []string, name string) bool {
	for _, p := range patterns {
		if p == "All" || p == ".*" || p == name {
			return true
		}
		if prefix, ok := strings.CutSuffix(p, ".*"); ok && strings.HasPrefix(name, prefix+".") {
			return true
		}
	}
	return false
}

type sqsDeleteMessageInput struct {
	QueueUrl      *string
	ReceiptHandle *string
}

func sqsDeleteMessage(c *call, in *sqsDeleteMessageInput) (any, error) {
	if in.ReceiptHandle == nil || *in.ReceiptHandle == "" {
		return nil, apiError(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter ReceiptHandle.")
	}
	a := c.acct
	a.mu.Lock()
	defer a.mu.Unlock()
	q, err := a.queueFor(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	raw, decErr := base64.StdEncoding.DecodeString(*in.ReceiptHandle)
	parts := strings.Split(string(raw), "\n")
	if decErr != nil || len(parts) != 4 || parts[0] != q.Name {
		return nil, apiError(http.StatusNotFound, "ReceiptHandleIsInvalid",
			"The input receipt handle \"%s\" is not a valid receipt handle.", *in.ReceiptHandle)
	}
	// As SQS, deleting an already deleted message succeeds.
	q.messages = slices.DeleteFunc(q.messages, func(m *sqsMessage) bool { return m.id == parts[1] })
	return struct{}{}, nil
}
