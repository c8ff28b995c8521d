package sandbox

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// A stack the guard tests try to delete, and check is still there.
const guardTemplate = "Resources:\n  Topic: {Type: AWS::SNS::Topic}\n"

// TestForgedRequestsDoNotRun sends DeleteStack the ways a web page or a
// half-signed URL could, and checks each is refused in the awsquery error
// shape and that the stack is still there; then a properly signed request
// deletes it.
func TestForgedRequestsDoNotRun(t *testing.T) {
	srv, cfn, _ := startFast(t, "fresh")
	st := createStack(t, cfn, &cloudformation.CreateStackInput{StackName: aws.String("guarded"), TemplateBody: aws.String(guardTemplate)})
	stackID := aws.ToString(st.StackId)
	form := "Action=DeleteStack&Version=2010-05-15&StackName=guarded"
	formType := "application/x-www-form-urlencoded"
	query := func(q string) string { return "/?" + form + "&" + q }
	partial := url.Values{}
	for k, v := range map[string]string{
		"X-Amz-Algorithm": "AWS4-HMAC-SHA256", "X-Amz-Credential": "AKID/20250101/us-east-1/cloudformation/aws4_request",
		"X-Amz-Date": "20250101T000000Z", "X-Amz-SignedHeaders": "host", "X-Amz-Signature": fakeSignature,
	} {
		partial.Set(k, v)
	}
	without := func(k string) string {
		q := url.Values{}
		for kk, v := range partial {
			if kk != k {
				q[kk] = v
			}
		}
		return q.Encode()
	}
	with := func(k, v string) string {
		q := url.Values{}
		for kk, vv := range partial {
			q[kk] = vv
		}
		q.Set(k, v)
		return q.Encode()
	}

	tests := []struct {
		name     string
		method   string
		path     string
		header   map[string]string
		body     string
		wantCode string
		wantMsg  string
	}{
		{"signed, foreign Origin", "POST", "/", map[string]string{"Authorization": fakeAuth("cloudformation"), "Content-Type": formType, "Origin": "http://evil.example"},
			form, "AccessDenied", `Origin "http://evil.example"`},
		{"signed, Origin null (sandboxed frame, file page)", "POST", "/", map[string]string{"Authorization": fakeAuth("cloudformation"), "Content-Type": formType, "Origin": "null"},
			form, "AccessDenied", `Origin "null"`},
		{"signed, the sandbox's own origin", "POST", "/", map[string]string{"Authorization": fakeAuth("cloudformation"), "Content-Type": formType, "Origin": srv.URL()},
			form, "AccessDenied", "Origin"},
		{"presigned GET from an <img> (Fetch Metadata, no Origin)", "GET", query(partial.Encode() + "&X-Amz-Expires=60"),
			map[string]string{"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"},
			"", "AccessDenied", "Sec-Fetch-"},
		{"presigned GET typed into the address bar", "GET", query(partial.Encode()),
			map[string]string{"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate"}, "", "AccessDenied", "Sec-Fetch-"},
		{"presigned GET from an old browser", "GET", query(partial.Encode()),
			map[string]string{"User-Agent": "Mozilla/5.0 (X11; Linux x86_64)"}, "", "AccessDenied", "web browsers"},
		{"only X-Amz-Credential in the query", "POST", "/?X-Amz-Credential=AKID%2F20250101%2Fus-east-1%2Fcloudformation%2Faws4_request",
			map[string]string{"Content-Type": formType}, form, "IncompleteSignature", "X-Amz-Algorithm, X-Amz-Date, X-Amz-SignedHeaders, X-Amz-Signature"},
		{"presigned without a signature", "POST", "/?" + without("X-Amz-Signature"),
			map[string]string{"Content-Type": formType}, form, "IncompleteSignature", "lacks X-Amz-Signature"},
		{"presigned without a date", "GET", query(without("X-Amz-Date")), nil, "", "IncompleteSignature", "lacks X-Amz-Date"},
		{"presigned with a signature that is not one", "GET", query(with("X-Amz-Signature", "abc")), nil, "", "IncompleteSignature", "64 hexadecimal"},
		{"presigned with another algorithm", "GET", query(with("X-Amz-Algorithm", "AWS4-ECDSA-P256-SHA256")), nil, "", "IncompleteSignature", "X-Amz-Algorithm"},
		{"presigned, host not signed", "GET", query(with("X-Amz-SignedHeaders", "x-amz-date")), nil, "", "IncompleteSignature", "host among them"},
		{"presigned, date and scope disagree", "GET", query(with("X-Amz-Date", "20240101T000000Z")), nil, "", "IncompleteSignature", "does not match"},
		{"presigned, expiry not a number", "GET", query(partial.Encode() + "&X-Amz-Expires=soon"), nil, "", "IncompleteSignature", "X-Amz-Expires"},
		{"header with a short signature", "POST", "/", map[string]string{"Content-Type": formType,
			"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/cloudformation/aws4_request, SignedHeaders=host, Signature=abc"},
			form, "IncompleteSignature", "64 hexadecimal"},
		{"header without host signed", "POST", "/", map[string]string{"Content-Type": formType,
			"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/cloudformation/aws4_request, SignedHeaders=x-amz-date, Signature=" + fakeSignature},
			form, "IncompleteSignature", "host among them"},
		{"no signature at all", "POST", "/", map[string]string{"Content-Type": formType}, form, "MissingAuthenticationToken", "Authentication Token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := rawRequest(t, srv, tt.method, tt.path, tt.header, tt.body)
			var e queryError
			if err := xml.Unmarshal([]byte(resp.body), &e); err != nil {
				t.Fatalf("status %d, body is not an awsquery ErrorResponse: %v\n%s", resp.status, err, resp.body)
			}
			if resp.status != http.StatusForbidden || e.Error.Code != tt.wantCode || !strings.Contains(e.Error.Message, tt.wantMsg) {
				t.Errorf("status %d, error %+v; want 403 %s with %q", resp.status, e.Error, tt.wantCode, tt.wantMsg)
			}
			if got := waitStack(t, cfn, stackID); got.StackStatus != "CREATE_COMPLETE" {
				t.Fatalf("the refused request ran: stack is %s", got.StackStatus)
			}
		})
	}

	// The same DeleteStack, completely presigned and sent by a program, runs.
	resp := rawRequest(t, srv, http.MethodGet, query(partial.Encode()), nil, "")
	if resp.status != http.StatusOK {
		t.Fatalf("complete presigned DeleteStack: status %d %s", resp.status, resp.body)
	}
	if got := waitStack(t, cfn, stackID); got.StackStatus != "DELETE_COMPLETE" {
		t.Errorf("after a complete presigned DeleteStack the stack is %s", got.StackStatus)
	}
}

// TestSDKWithForeignOriginRefused signs with the real SDK signer, adding the
// Origin a page's fetch would carry: the signature is valid, the request is
// still refused, in the shape the SDK parses.
func TestSDKWithForeignOriginRefused(t *testing.T) {
	srv, _ := startSandbox(t, "fresh")
	cfg := sdkConfig(t, srv, "AKIDSANDBOX", "sandbox-secret", "")
	origin := func(o string) func(*sts.Options) {
		return func(opts *sts.Options) {
			opts.APIOptions = append(opts.APIOptions, smithyhttp.AddHeaderValue("Origin", o))
		}
	}
	client := sts.NewFromConfig(cfg)
	if _, err := client.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{}, origin("http://evil.example")); httpStatus(err) != http.StatusForbidden {
		t.Fatalf("foreign Origin: err = %v, want 403", err)
	} else if code, msg := apiErrorCode(err); code != "AccessDenied" || !strings.Contains(msg, "web pages") {
		t.Errorf("foreign Origin: %s %q, want AccessDenied naming web pages", code, msg)
	}
	if _, err := client.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{}); err != nil {
		t.Errorf("without Origin: %v", err)
	}

	// An origin the server was told to trust gets through.
	allowed, err := Start(t.Context(), Options{AllowedOrigins: []string{"wails://wails"}})
	if err != nil {
		t.Fatal(err)
	}
	defer allowed.Close()
	client = sts.NewFromConfig(sdkConfig(t, allowed, "AKIDSANDBOX", "sandbox-secret", ""))
	if _, err := client.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{}, origin("wails://wails")); err != nil {
		t.Errorf("allowed Origin: %v", err)
	}
	if _, err := client.GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{}, origin("http://wails.localhost")); httpStatus(err) != http.StatusForbidden {
		t.Errorf("an Origin not on the list: err = %v, want 403", err)
	}
}

// TestS3PresignedURLs: presigned GETs made by the Go SDK (and by boto3 when
// it is installed) work; one missing a parameter gets S3's own error.
func TestS3PresignedURLs(t *testing.T) {
	c := startClients(t, "fresh")
	addPlainBucket(c.srv.Account(), "presign-bucket")
	if _, err := c.s3.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("presign-bucket"), Key: aws.String("a/b.txt"),
		Body: strings.NewReader("presigned body")}); err != nil {
		t.Fatal(err)
	}
	req, err := s3.NewPresignClient(c.s3).PresignGetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("presign-bucket"), Key: aws.String("a/b.txt")})
	if err != nil {
		t.Fatal(err)
	}
	get := func(u string) (int, string) {
		t.Helper()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(req.URL); code != 200 || body != "presigned body" {
		t.Errorf("Go SDK presigned GET: %d %s", code, body)
	}
	u, _ := url.Parse(req.URL)
	q := u.Query()
	q.Del("X-Amz-Expires")
	u.RawQuery = q.Encode()
	if code, body := get(u.String()); code != 400 || !strings.Contains(body, "<Code>AuthorizationQueryParametersError</Code>") ||
		!strings.Contains(body, "requires the X-Amz-Algorithm") {
		t.Errorf("presigned GET without X-Amz-Expires: %d %s", code, body)
	}

	// S3's older presigned form, which boto3 and the AWS CLI v1 make by default.
	v2 := "/presign-bucket/a/b.txt?AWSAccessKeyId=AKID&Signature=" + url.QueryEscape("mlj6kyS+6c6nQeHL3SmkDzVSUGk=") + "&Expires=1796292891"
	if code, body := get(c.srv.URL() + v2); code != 200 || body != "presigned body" {
		t.Errorf("SigV2 presigned GET: %d %s", code, body)
	}
	for name, q := range map[string]string{
		"without Expires":        strings.Replace(v2, "&Expires=1796292891", "", 1),
		"with a short Signature": strings.Replace(v2, "mlj6kyS", "", 1),
	} {
		if code, body := get(c.srv.URL() + q); code != 400 || !strings.Contains(body, "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters") {
			t.Errorf("SigV2 presigned GET %s: %d %s", name, code, body)
		}
	}

	t.Run("boto3", func(t *testing.T) {
		requireTool(t, "boto3", "python3", "-c", "import boto3")
		// Once with boto3's default presigning (SigV2 query), once with SigV4.
		script := `
import sys, boto3, urllib.request
from botocore.config import Config
for cfg in (Config(s3={"addressing_style": "path"}), Config(s3={"addressing_style": "path"}, signature_version="s3v4")):
    s3 = boto3.client("s3", endpoint_url=sys.argv[1], config=cfg)
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "presign-bucket", "Key": "a/b.txt"}, ExpiresIn=300)
    print(urllib.request.urlopen(url).read().decode())
`
		cmd := exec.CommandContext(t.Context(), "python3", "-c", script, c.srv.URL())
		cmd.Env = isolatedAWSEnv(t, "", staticKeys...)
		out, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != "presigned body\npresigned body" {
			t.Errorf("boto3 presigned GETs: %v\n%s", err, out)
		}
	})

	t.Run("aws cli v1 s3 presign", func(t *testing.T) {
		requireTool(t, "the AWS CLI", "aws", "--version")
		cmd := exec.CommandContext(t.Context(), "aws", "--endpoint-url", c.srv.URL(), "s3", "presign", "s3://presign-bucket/a/b.txt")
		cmd.Env = isolatedAWSEnv(t, "", staticKeys...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("aws s3 presign: %v", err)
		}
		if code, body := get(strings.TrimSpace(string(out))); code != 200 || body != "presigned body" {
			t.Errorf("GET of %s: %d %s", out, code, body)
		}
	})
}

// TestSlowClientsAreCutOff: a client trickling its body has its connection
// closed once the whole-request read timeout passes, and the request does not
// run. Without the timeout the whole body gets through.
func TestSlowClientsAreCutOff(t *testing.T) {
	logs := &logSink{}
	srv, err := Start(t.Context(), Options{Logf: logs.logf, Timeouts: Timeouts{Read: 200 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := "Action=CreateUser&Version=2010-05-08&UserName=trickled" + strings.Repeat("&x=y", 40)
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n",
		strings.TrimPrefix(srv.URL(), "http://"), fakeAuth("iam"), len(body))
	closed := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(bufio.NewReader(conn)) // until the server closes
		closed <- string(b)
	}()
	sent, answer, hungUp := 0, "", false
	for sent < len(body) && !hungUp {
		select {
		case answer = <-closed:
			hungUp = true
			continue
		case <-time.After(20 * time.Millisecond):
		}
		if _, err := conn.Write([]byte{body[sent]}); err != nil {
			break // the server hung up; the reader sees it too
		}
		sent++
	}
	if sent == len(body) {
		t.Fatalf("the server read all %d trickled bytes (over %v) without closing the connection", sent, 20*time.Millisecond*time.Duration(len(body)))
	}
	if !hungUp {
		select {
		case answer = <-closed:
		case <-time.After(10 * time.Second):
			t.Fatal("the connection is still open")
		}
	}
	if strings.Contains(answer, " 200 ") {
		t.Errorf("the cut-off request was answered 200:\n%s", answer)
	}
	t.Logf("sent %d of %d bytes; the server answered %q and closed", sent, len(body), strings.SplitN(answer, "\r\n", 2)[0])
	if _, ok := srv.Account().User("trickled"); ok {
		t.Error("the cut-off request ran: user trickled exists")
	}
}

// TestOversizedBodiesAreRefused: past the body cap the request is answered in
// the protocol's shape and not run.
func TestOversizedBodiesAreRefused(t *testing.T) {
	srv, _ := startSandbox(t, "fresh")
	body := "Action=CreateUser&Version=2010-05-08&UserName=huge&Pad=" + strings.Repeat("x", maxBodyBytes)
	resp := rawRequest(t, srv, http.MethodPost, "/", map[string]string{"Authorization": fakeAuth("iam"), "Content-Type": "application/x-www-form-urlencoded"}, body)
	var e queryError
	if err := xml.Unmarshal([]byte(resp.body), &e); err != nil || resp.status != http.StatusRequestEntityTooLarge || e.Error.Code != "RequestEntityTooLarge" {
		t.Errorf("status %d body %.300s (%v), want 413 RequestEntityTooLarge", resp.status, resp.body, err)
	}
	if _, ok := srv.Account().User("huge"); ok {
		t.Error("the oversized request ran")
	}
}

// TestShortBodyIsAnsweredQuickly: a request that promises more body than it
// sends, then waits, is answered with an error within bodyIdle (seconds),
// not held until the whole-request timeout; and it does not run.
func TestShortBodyIsAnsweredQuickly(t *testing.T) {
	tests := []struct {
		name, service, contentType, body, wantCode string
	}{
		{"query (IAM)", "iam", "application/x-www-form-urlencoded", "Action=CreateUser&Version=2010-05-08&UserName=short", "<Code>IncompleteBody</Code>"},
		{"JSON (SQS)", "sqs", "application/x-amz-json-1.0", `{"QueueNamePrefix":"`, `IncompleteBody`},
	}
	old := bodyIdle
	bodyIdle = 300 * time.Millisecond
	defer func() { bodyIdle = old }()
	srv, err := Start(t.Context(), Options{Timeouts: Timeouts{Read: time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL(), "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			extra := ""
			if tt.service == "sqs" {
				extra = "X-Amz-Target: AmazonSQS.ListQueues\r\n"
			}
			start := time.Now()
			fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\nContent-Type: %s\r\n%sContent-Length: %d\r\n\r\n%s",
				strings.TrimPrefix(srv.URL(), "http://"), fakeAuth(tt.service), tt.contentType, extra, len(tt.body)+100, tt.body)
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			answer, _ := io.ReadAll(bufio.NewReader(conn)) // until the server closes
			took := time.Since(start)
			if !strings.HasPrefix(string(answer), "HTTP/1.1 400 ") || !strings.Contains(string(answer), tt.wantCode) || took > 5*time.Second {
				t.Fatalf("after %v: %q", took, answer)
			}
			if !strings.Contains(string(answer), "Content-Length HTTP header") {
				t.Errorf("answer does not say what is wrong: %q", answer)
			}
		})
	}
	if _, ok := srv.Account().User("short"); ok {
		t.Error("the short request ran: user short exists")
	}
}
