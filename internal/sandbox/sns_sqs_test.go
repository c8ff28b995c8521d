package sandbox

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

func TestSNSOperations(t *testing.T) {
	c := startClients(t, "connected")
	out := c.outputs(t)
	ctx := t.Context()
	casTopic, queueARN := out["CasTopicArn"], out["QueueArn"]
	missing := "arn:aws:sns:us-east-1:111122223333:no-such-topic"
	tests := []struct {
		name   string
		call   func() (any, error)
		check  func(t *testing.T, res any)
		code   string
		status int
		msg    string
	}{
		{name: "GetTopicAttributes", call: func() (any, error) {
			return c.sns.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(casTopic)})
		}, check: func(t *testing.T, res any) {
			a := res.(*sns.GetTopicAttributesOutput).Attributes
			if a["TopicArn"] != casTopic || a["Owner"] != "111122223333" || a["SubscriptionsConfirmed"] != "1" ||
				a["SubscriptionsPending"] != "0" || !strings.Contains(a["Policy"], "AllowAccountPublish") || a["DisplayName"] != "SellerDesk CAS data sets" {
				t.Errorf("attributes = %v", a)
			}
		}},
		{name: "GetTopicAttributes missing", call: func() (any, error) {
			return c.sns.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(missing)})
		}, code: "NotFound", status: 404, msg: "Topic does not exist"},
		{name: "GetTopicAttributes malformed", call: func() (any, error) {
			return c.sns.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String("not-an-arn")})
		}, code: "InvalidParameter", status: 400, msg: "Invalid parameter: TopicArn"},
		{name: "ListTopics", call: func() (any, error) { return c.sns.ListTopics(ctx, &sns.ListTopicsInput{}) },
			check: func(t *testing.T, res any) {
				if n := len(res.(*sns.ListTopicsOutput).Topics); n != 2 {
					t.Errorf("%d topics", n)
				}
			}},
		{name: "ListTopics bad token", call: func() (any, error) { return c.sns.ListTopics(ctx, &sns.ListTopicsInput{NextToken: aws.String("x")}) },
			code: "InvalidParameter", status: 400, msg: "NextToken"},
		{name: "ListSubscriptionsByTopic", call: func() (any, error) {
			return c.sns.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(casTopic)})
		}, check: func(t *testing.T, res any) {
			subs := res.(*sns.ListSubscriptionsByTopicOutput).Subscriptions
			if len(subs) != 1 || aws.ToString(subs[0].Protocol) != "sqs" || aws.ToString(subs[0].Endpoint) != queueARN ||
				!strings.HasPrefix(aws.ToString(subs[0].SubscriptionArn), casTopic+":") || aws.ToString(subs[0].Owner) != "111122223333" {
				t.Errorf("subscriptions = %+v", subs)
			}
		}},
		{name: "ListSubscriptionsByTopic missing", call: func() (any, error) {
			return c.sns.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(missing)})
		}, code: "NotFound", status: 404, msg: "Topic does not exist"},
		{name: "Subscribe bad protocol", call: func() (any, error) {
			return c.sns.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(casTopic), Protocol: aws.String("carrier-pigeon"), Endpoint: aws.String("x")})
		}, code: "InvalidParameter", status: 400, msg: "does not support this protocol string: carrier-pigeon"},
		{name: "Subscribe existing", call: func() (any, error) {
			return c.sns.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(casTopic), Protocol: aws.String("sqs"), Endpoint: aws.String(queueARN)})
		}, check: func(t *testing.T, res any) {
			if arn := aws.ToString(res.(*sns.SubscribeOutput).SubscriptionArn); !strings.HasPrefix(arn, casTopic+":") || len(c.srv.Account().Subscriptions(casTopic)) != 1 {
				t.Errorf("re-subscribing made %s, %d subscriptions", arn, len(c.srv.Account().Subscriptions(casTopic)))
			}
		}},
		{name: "Subscribe email", call: func() (any, error) {
			return c.sns.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(casTopic), Protocol: aws.String("email"), Endpoint: aws.String("ops@example.com")})
		}, check: func(t *testing.T, res any) {
			if arn := aws.ToString(res.(*sns.SubscribeOutput).SubscriptionArn); arn != "pending confirmation" {
				t.Errorf("email subscription = %q", arn)
			}
		}},
		{name: "Publish missing topic", call: func() (any, error) {
			return c.sns.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(missing), Message: aws.String("hi")})
		}, code: "NotFound", status: 404, msg: "Topic does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tt.call()
			if tt.code != "" {
				wantAPIError(t, tt.name, err, tt.code, tt.status, tt.msg)
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if tt.check != nil {
				tt.check(t, res)
			}
		})
	}
	_, err := c.sns.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(missing)})
	var nf *snstypes.NotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("GetTopicAttributes(missing) = %T, want *types.NotFoundException", err)
	}
}

// TestPublishDelivery: raw delivery through the stack's subscriptions, the
// SNS envelope for a non-raw subscription, and no delivery to a queue whose
// policy does not admit SNS.
func TestPublishDelivery(t *testing.T) {
	c := startClients(t, "connected")
	out := c.outputs(t)
	ctx := t.Context()
	queueURL := out["QueueUrl"]

	pub, err := c.sns.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(out["SddsTopicArn"]), Message: aws.String(`{"executionStatus":"COMPLETED"}`),
		MessageAttributes: map[string]snstypes.MessageAttributeValue{"feed": {DataType: aws.String("String"), StringValue: aws.String("billing_event")}}})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := c.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(queueURL), MessageAttributeNames: []string{"All"},
		MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{"All"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Messages) != 1 || aws.ToString(rec.Messages[0].Body) != `{"executionStatus":"COMPLETED"}` ||
		aws.ToString(rec.Messages[0].MessageAttributes["feed"].StringValue) != "billing_event" ||
		rec.Messages[0].Attributes["SenderId"] != snsSenderID || aws.ToString(rec.Messages[0].MD5OfMessageAttributes) == "" {
		t.Fatalf("raw delivery of %s = %+v", aws.ToString(pub.MessageId), rec.Messages)
	}

	// A second queue, subscribed without raw delivery, gets the envelope;
	// a third without any policy gets nothing.
	a := c.srv.Account()
	addQueue := func(name, policy string) SQSQueue {
		a.mu.Lock()
		defer a.mu.Unlock()
		q := &SQSQueue{Name: name, URL: c.srv.URL() + "/111122223333/" + name, ARN: "arn:aws:sqs:us-east-1:111122223333:" + name,
			Attributes: map[string]string{"VisibilityTimeout": "30"}, Created: time.Now()}
		q.Attributes["QueueArn"] = q.ARN
		if policy != "" {
			q.Attributes["Policy"] = policy
		}
		a.sqsQueues[name] = q
		return q.clone()
	}
	env := addQueue("envelope", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage",`+
		`"Resource":"arn:aws:sqs:us-east-1:111122223333:envelope","Condition":{"ArnEquals":{"aws:SourceArn":"`+out["CasTopicArn"]+`"}}}]}`)
	closed := addQueue("closed", "")
	for _, q := range []SQSQueue{env, closed} {
		if _, err := c.sns.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(out["CasTopicArn"]), Protocol: aws.String("sqs"), Endpoint: aws.String(q.ARN)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.sns.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(out["CasTopicArn"]), Message: aws.String("hello"), Subject: aws.String("greeting")}); err != nil {
		t.Fatal(err)
	}
	msgs := a.QueueMessages(env.URL)
	var envelope struct{ Type, MessageId, TopicArn, Subject, Message, Timestamp, SignatureVersion, UnsubscribeURL string }
	if len(msgs) != 1 || json.Unmarshal([]byte(msgs[0].Body), &envelope) != nil || envelope.Type != "Notification" ||
		envelope.Message != "hello" || envelope.Subject != "greeting" || envelope.TopicArn != out["CasTopicArn"] || envelope.Timestamp == "" {
		t.Errorf("envelope delivery = %+v", msgs)
	}
	if n := len(a.QueueMessages(closed.URL)); n != 0 {
		t.Errorf("queue without a policy got %d messages", n)
	}
	if !strings.Contains(c.logs.all(), "the queue policy does not allow sns.amazonaws.com") {
		t.Errorf("undelivered message not logged:\n%s", c.logs.all())
	}
	if n := len(a.QueueMessages(queueURL)); n != 2 { // the SDDS message (in flight) and the CAS one
		t.Errorf("stack queue holds %d messages, want 2", n)
	}
}

func TestSQSOperations(t *testing.T) {
	c := startClients(t, "connected")
	out := c.outputs(t)
	ctx := t.Context()
	url := aws.String(out["QueueUrl"])
	name := out["QueueUrl"][strings.LastIndex(out["QueueUrl"], "/")+1:]
	missing := aws.String(c.srv.URL() + "/111122223333/no-such-queue")

	sent, err := c.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("first"),
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{
			"kind": {DataType: aws.String("String"), StringValue: aws.String("test")},
			"blob": {DataType: aws.String("Binary"), BinaryValue: []byte{1, 2, 3}},
		}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(sent.MD5OfMessageAttributes) == "" {
		t.Error("SendMessage returned no MD5OfMessageAttributes")
	}

	var receipt string
	tests := []struct {
		name   string
		call   func() (any, error)
		check  func(t *testing.T, res any)
		code   string
		status int
		msg    string
	}{
		{name: "GetQueueUrl", call: func() (any, error) { return c.sqs.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)}) },
			check: func(t *testing.T, res any) {
				if u := aws.ToString(res.(*sqs.GetQueueUrlOutput).QueueUrl); u != out["QueueUrl"] || !strings.HasPrefix(u, c.srv.URL()) {
					t.Errorf("QueueUrl = %s", u)
				}
			}},
		{name: "GetQueueUrl missing", call: func() (any, error) {
			return c.sqs.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("no-such-queue")})
		}, code: "AWS.SimpleQueueService.NonExistentQueue", status: 400, msg: "The specified queue does not exist."},
		{name: "GetQueueAttributes", call: func() (any, error) {
			return c.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: url, AttributeNames: []sqstypes.QueueAttributeName{"All"}})
		}, check: func(t *testing.T, res any) {
			a := res.(*sqs.GetQueueAttributesOutput).Attributes
			if a["QueueArn"] != out["QueueArn"] || !strings.Contains(a["Policy"], "sns.amazonaws.com") || a["ApproximateNumberOfMessages"] != "1" ||
				a["MessageRetentionPeriod"] != "1209600" || a["SqsManagedSseEnabled"] != "true" {
				t.Errorf("attributes = %v", a)
			}
		}},
		{name: "GetQueueAttributes some", call: func() (any, error) {
			return c.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: url, AttributeNames: []sqstypes.QueueAttributeName{"QueueArn"}})
		}, check: func(t *testing.T, res any) {
			if a := res.(*sqs.GetQueueAttributesOutput).Attributes; len(a) != 1 || a["QueueArn"] != out["QueueArn"] {
				t.Errorf("attributes = %v", a)
			}
		}},
		{name: "GetQueueAttributes unknown name", call: func() (any, error) {
			return c.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: url, AttributeNames: []sqstypes.QueueAttributeName{"Colour"}})
		}, code: "InvalidAttributeName", status: 400, msg: "Unknown Attribute Colour."},
		{name: "GetQueueAttributes missing", call: func() (any, error) {
			return c.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: missing})
		}, code: "AWS.SimpleQueueService.NonExistentQueue", status: 400},
		{name: "ListQueues", call: func() (any, error) { return c.sqs.ListQueues(ctx, &sqs.ListQueuesInput{}) },
			check: func(t *testing.T, res any) {
				// Name order: the events dead-letter queue, then the partner queue.
				if u := res.(*sqs.ListQueuesOutput).QueueUrls; len(u) != 2 || u[0] != out["EventsDeadLetterQueueUrl"] || u[1] != out["QueueUrl"] {
					t.Errorf("QueueUrls = %v", u)
				}
			}},
		{name: "ReceiveMessage", call: func() (any, error) {
			return c.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, MaxNumberOfMessages: 10, MessageAttributeNames: []string{"All"},
				MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{"ApproximateReceiveCount"}})
		}, check: func(t *testing.T, res any) {
			m := res.(*sqs.ReceiveMessageOutput).Messages
			if len(m) != 1 || aws.ToString(m[0].Body) != "first" || aws.ToString(m[0].MessageId) != aws.ToString(sent.MessageId) ||
				aws.ToString(m[0].MessageAttributes["kind"].StringValue) != "test" || string(m[0].MessageAttributes["blob"].BinaryValue) != "\x01\x02\x03" ||
				m[0].Attributes["ApproximateReceiveCount"] != "1" || len(m[0].Attributes) != 1 ||
				aws.ToString(m[0].MD5OfMessageAttributes) != aws.ToString(sent.MD5OfMessageAttributes) {
				t.Fatalf("messages = %+v", m)
			}
			receipt = aws.ToString(m[0].ReceiptHandle)
		}},
		{name: "ReceiveMessage while in flight", call: func() (any, error) {
			return c.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url})
		}, check: func(t *testing.T, res any) {
			if m := res.(*sqs.ReceiveMessageOutput).Messages; len(m) != 0 {
				t.Errorf("in-flight message received again: %+v", m)
			}
			attrs, _ := c.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: url, AttributeNames: []sqstypes.QueueAttributeName{"All"}})
			if attrs.Attributes["ApproximateNumberOfMessagesNotVisible"] != "1" || attrs.Attributes["ApproximateNumberOfMessages"] != "0" {
				t.Errorf("counts = %v", attrs.Attributes)
			}
		}},
		{name: "ReceiveMessage too many", call: func() (any, error) {
			return c.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, MaxNumberOfMessages: 11})
		}, code: "InvalidParameterValue", status: 400, msg: "MaxNumberOfMessages"},
		{name: "ReceiveMessage missing", call: func() (any, error) {
			return c.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: missing})
		}, code: "AWS.SimpleQueueService.NonExistentQueue", status: 400},
		{name: "DeleteMessage", call: func() (any, error) {
			return c.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: url, ReceiptHandle: aws.String(receipt)})
		}, check: func(t *testing.T, res any) {
			if n := len(c.srv.Account().QueueMessages(*url)); n != 0 {
				t.Errorf("%d messages left", n)
			}
		}},
		{name: "DeleteMessage bad receipt", call: func() (any, error) {
			return c.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: url, ReceiptHandle: aws.String("garbage")})
		}, code: "ReceiptHandleIsInvalid", status: 404, msg: "is not a valid receipt handle"},
		{name: "SendMessage empty", call: func() (any, error) {
			return c.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("")})
		}, code: "InvalidParameterValue", status: 400},
		{name: "SendMessage invalid characters", call: func() (any, error) {
			return c.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("bell\x07")})
		}, code: "InvalidMessageContents", status: 400, msg: "Invalid characters found"},
	}
	for _, tt := range tests { // in order: later cases depend on earlier ones
		ok := t.Run(tt.name, func(t *testing.T) {
			res, err := tt.call()
			if tt.code != "" {
				wantAPIError(t, tt.name, err, tt.code, tt.status, tt.msg)
				return
			}
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if tt.check != nil {
				tt.check(t, res)
			}
		})
		if !ok {
			break
		}
	}

	_, err = c.sqs.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("no-such-queue")})
	var qdne *sqstypes.QueueDoesNotExist
	if !errors.As(err, &qdne) {
		t.Errorf("GetQueueUrl(missing) = %T, want *types.QueueDoesNotExist", err)
	}
	// The wire shape boto3 relies on: JSON __type plus the query-compat header.
	resp := rawRequest(t, c.srv, http.MethodPost, "/", map[string]string{"Authorization": fakeAuth("sqs"),
		"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AmazonSQS.GetQueueUrl"}, `{"QueueName":"no-such-queue"}`)
	if resp.status != 400 || resp.header.Get("x-amzn-query-error") != "AWS.SimpleQueueService.NonExistentQueue;Sender" ||
		!strings.Contains(resp.body, `"__type":"QueueDoesNotExist"`) {
		t.Errorf("raw QueueDoesNotExist = %d %v %s", resp.status, resp.header, resp.body)
	}
}

// TestSQSLongPollAndVisibility: a waiting ReceiveMessage returns as soon as a
// message arrives; an empty wait ends at WaitTimeSeconds; a received message
// stays hidden for its visibility timeout, then a long poll sees it again.
func TestSQSLongPollAndVisibility(t *testing.T) {
	c := startClients(t, "connected")
	ctx := t.Context()
	url := aws.String(c.outputs(t)["QueueUrl"])

	start := time.Now()
	empty, err := c.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, WaitTimeSeconds: 1})
	if err != nil || len(empty.Messages) != 0 || time.Since(start) < 900*time.Millisecond || time.Since(start) > 3*time.Second {
		t.Errorf("empty long poll: %v messages, %v, after %v", empty, err, time.Since(start))
	}

	type result struct {
		out *sqs.ReceiveMessageOutput
		err error
		at  time.Duration
	}
	done := make(chan result, 1)
	start = time.Now()
	go func() {
		out, err := c.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, WaitTimeSeconds: 20, VisibilityTimeout: 1})
		done <- result{out, err, time.Since(start)}
	}()
	time.Sleep(150 * time.Millisecond)
	if _, err := c.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: url, MessageBody: aws.String("wake up")}); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil || len(r.out.Messages) != 1 || aws.ToString(r.out.Messages[0].Body) != "wake up" || r.at > 2*time.Second {
		t.Fatalf("long poll = %+v, %v after %v", r.out, r.err, r.at)
	}
	if m, _ := c.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url}); len(m.Messages) != 0 {
		t.Errorf("message visible during its visibility timeout")
	}
	// Waiting long enough sees it again once its 1-second timeout is over.
	again, err := c.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url, WaitTimeSeconds: 3,
		MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{"ApproximateReceiveCount"}})
	if err != nil || len(again.Messages) != 1 || again.Messages[0].Attributes["ApproximateReceiveCount"] != "2" {
		t.Errorf("after the visibility timeout: %+v, %v", again, err)
	}
}
