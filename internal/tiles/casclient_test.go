package tiles

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go"

	"github.com/sellerdesk/sellerdesk/internal/awsconn"
	"github.com/sellerdesk/sellerdesk/internal/testaws"
)

const (
	testAKID   = "AKIDEXAMPLE"
	testSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	testToken  = "session-token-example"
)

// verifySigV4 recomputes the request's SigV4 signature independently of the
// SDK's signer and returns the credential scope it was signed for.
func verifySigV4(r *http.Request, body []byte, secret string) (scope string, err error) {
	auth := r.Header.Get("Authorization")
	const algo = "AWS4-HMAC-SHA256 "
	if !strings.HasPrefix(auth, algo) {
		return "", fmt.Errorf("Authorization %q is not SigV4", auth)
	}
	parts := map[string]string{}
	for _, p := range strings.Split(strings.TrimPrefix(auth, algo), ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		parts[k] = v
	}
	cred, signed, sig := parts["Credential"], parts["SignedHeaders"], parts["Signature"]
	akid, scope, _ := strings.Cut(cred, "/")
	if akid != testAKID {
		return "", fmt.Errorf("access key %q", akid)
	}
	var canonHeaders strings.Builder
	names := strings.Split(signed, ";")
	if !sort.StringsAreSorted(names) {
		return "", fmt.Errorf("signed headers not sorted: %s", signed)
	}
	for _, h := range names {
		var v string
		switch h {
		case "host":
			v = r.Host
		case "content-length":
			v = fmt.Sprint(r.ContentLength)
		default:
			v = strings.Join(r.Header.Values(h), ",")
		}
		canonHeaders.WriteString(h + ":" + strings.TrimSpace(v) + "\n")
	}
	payload := sha256.Sum256(body)
	canon := strings.Join([]string{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, canonHeaders.String(), signed, hex.EncodeToString(payload[:])}, "\n")
	ch := sha256.Sum256([]byte(canon))
	amzDate := r.Header.Get("X-Amz-Date")
	toSign := strings.Join([]string{"AWS4-HMAC-SHA256", amzDate, scope, hex.EncodeToString(ch[:])}, "\n")
	sp := strings.Split(scope, "/")
	if len(sp) != 4 {
		return "", fmt.Errorf("scope %q", scope)
	}
	mac := func(key []byte, s string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(s))
		return h.Sum(nil)
	}
	k := mac([]byte("AWS4"+secret), sp[0])
	for _, s := range sp[1:] {
		k = mac(k, s)
	}
	if want := hex.EncodeToString(mac(k, toSign)); want != sig {
		return scope, fmt.Errorf("signature %s, recomputed %s (canonical request:\n%s)", sig, want, canon)
	}
	return scope, nil
}

func TestGenerateDataSetWireForm(t *testing.T) {
	var (
		gotBody  map[string]any
		verified string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fail := func(format string, a ...any) {
			t.Errorf(format, a...)
			http.Error(w, "bad request", http.StatusBadRequest)
		}
		if r.Method != http.MethodPost || r.URL.Path != "/" {
			fail("%s %s, want POST /", r.Method, r.URL.Path)
			return
		}
		if got := r.Header.Get("X-Amz-Target"); got != "MarketplaceCommerceAnalytics20150701.GenerateDataSet" {
			fail("X-Amz-Target %q", got)
		}
		if got := r.Header.Get("Content-Type"); got != "application/x-amz-json-1.1" {
			fail("Content-Type %q", got)
		}
		if got := r.Header.Get("X-Amz-Security-Token"); got != testToken {
			fail("X-Amz-Security-Token %q", got)
		}
		if got := r.Header.Get("X-Amz-Date"); got != "20260315T103000Z" {
			fail("X-Amz-Date %q", got)
		}
		auth := r.Header.Get("Authorization")
		if !strings.Contains(auth, "Credential="+testAKID+"/20260315/us-east-1/marketplacecommerceanalytics/aws4_request") {
			fail("Authorization %q lacks the credential scope", auth)
		}
		for _, h := range []string{"content-type", "host", "x-amz-date", "x-amz-target", "x-amz-security-token"} {
			if !strings.Contains(auth, h) {
				fail("SignedHeaders of %q lack %s", auth, h)
			}
		}
		scope, err := verifySigV4(r, body, testSecret)
		if err != nil {
			fail("signature: %v", err)
			return
		}
		verified = scope
		if err := json.Unmarshal(body, &gotBody); err != nil {
			fail("body %s: %v", body, err)
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		fmt.Fprint(w, `{"dataSetRequestId":"646dd4ed-6a8b-4d54-9ea0-9e1b9a1e5d6f"}`)
	}))
	defer srv.Close()

	cfg := aws.Config{Region: "eu-west-1", BaseEndpoint: aws.String(srv.URL), HTTPClient: srv.Client(),
		Credentials: credentials.NewStaticCredentialsProvider(testAKID, testSecret, testToken)}
	client := NewCASClient(cfg)
	client.Now = func() time.Time { return fixedNow }
	if client.AWSEndpoint || client.Endpoint != srv.URL {
		t.Fatalf("endpoint %s (AWS %v), want the config's BaseEndpoint", client.Endpoint, client.AWSEndpoint)
	}
	s3f, snsf, _ := casWorld()
	checks := TestCAS(context.Background(), CASDeps{S3: s3f, SNS: snsf, CAS: client, Now: func() time.Time { return fixedNow }}, outputs(), acct, "")
	if c := checks[3]; c.Status != StatusPassed || !strings.Contains(c.Detail, "646dd4ed-6a8b-4d54-9ea0-9e1b9a1e5d6f") {
		t.Fatalf("GenerateDataSet check %+v", c)
	}
	if verified != "20260315/us-east-1/marketplacecommerceanalytics/aws4_request" {
		t.Errorf("signed for scope %q, want us-east-1/marketplacecommerceanalytics whatever the config's region", verified)
	}
	want := map[string]any{
		"dataSetType":             "customer_subscriber_hourly_monthly_subscriptions",
		"dataSetPublicationDate":  float64(time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC).Unix()),
		"roleNameArn":             "arn:aws:iam::111122223333:role/MarketplaceCommerceAnalyticsRole",
		"destinationS3BucketName": casBkt,
		"destinationS3Prefix":     "sellerdesk-test",
		"snsTopicArn":             casTopic,
	}
	if len(gotBody) != len(want) {
		t.Errorf("body %v, want exactly %v", gotBody, want)
	}
	for k, v := range want {
		if gotBody[k] != v {
			t.Errorf("body %s = %v (%T), want %v", k, gotBody[k], gotBody[k], v)
		}
	}
}

func TestGenerateDataSetErrors(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		header     string
		body       string
		awsEP      bool
		code       string
		gone       bool
		checkState string
		detailHas  string
	}{
		{name: "MarketplaceCommerceAnalyticsException on another endpoint", status: 500,
			body: `{"__type":"MarketplaceCommerceAnalyticsException","message":"Unable to publish to SNS topic"}`,
			code: "MarketplaceCommerceAnalyticsException", checkState: StatusFailed, detailHas: "This endpoint is not AWS's own"},
		{name: "MarketplaceCommerceAnalyticsException on AWS", status: 500, awsEP: true,
			body: `{"__type":"MarketplaceCommerceAnalyticsException","message":"not on the allow list"}`,
			code: "MarketplaceCommerceAnalyticsException", checkState: StatusFailed, detailHas: "most likely that discontinuation"},
		{name: "code from X-Amzn-ErrorType", status: 400, header: "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/",
			body: `{"__type":"com.amazonaws#Other","Message":"User is not authorized"}`, code: "AccessDeniedException", checkState: StatusFailed, detailHas: "User is not authorized"},
		{name: "shape-id prefix removed", status: 400, body: `{"__type":"com.amazon.coral.validate#ValidationException","message":"bad"}`,
			code: "ValidationException", checkState: StatusFailed},
		{name: "unknown operation on another endpoint could not be checked", status: 400,
			body: `{"__type":"com.amazon.coral.service#UnknownOperationException"}`, code: "UnknownOperationException", checkState: StatusCouldNotCheck},
		{name: "unknown operation on AWS is the service gone", status: 400, awsEP: true,
			body: `{"__type":"com.amazon.coral.service#UnknownOperationException"}`, code: "UnknownOperationException", gone: true, checkState: StatusFailed, detailHas: "did not serve GenerateDataSet"},
		{name: "bare 501", status: 501, body: "Not Implemented", code: "NotImplemented", checkState: StatusCouldNotCheck},
		{name: "an HTML 503 on AWS is not the service gone", status: 503, awsEP: true, body: "<html>busy</html>",
			code: "ServiceUnavailable", checkState: StatusCouldNotCheck, detailHas: "not in the service's protocol"},
		{name: "200 without an id", status: 200, body: `{}`, checkState: StatusFailed, detailHas: "without a dataSetRequestId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.header != "" {
					w.Header().Set("X-Amzn-ErrorType", tt.header)
				}
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			}))
			defer srv.Close()
			c := &CASClient{Endpoint: srv.URL, AWSEndpoint: tt.awsEP, HTTPClient: srv.Client(),
				Credentials: credentials.NewStaticCredentialsProvider(testAKID, testSecret, "")}
			_, err := c.GenerateDataSet(context.Background(), GenerateDataSetInput{DataSetType: CASTestDataSetType})
			if err == nil {
				t.Fatal("no error")
			}
			var ae smithy.APIError
			if tt.code != "" && (!errors.As(err, &ae) || ae.ErrorCode() != tt.code) {
				t.Errorf("error %v: code, want %s", err, tt.code)
			}
			var gone *CASServiceGoneError
			if errors.As(err, &gone) != tt.gone {
				t.Errorf("service gone = %v, want %v (%v)", !tt.gone, tt.gone, err)
			}
			s3f, snsf, _ := casWorld()
			check := TestCAS(context.Background(), CASDeps{S3: s3f, SNS: snsf, CAS: c}, outputs(), acct, "")[3]
			if check.Status != tt.checkState || check.Code != tt.code || !strings.Contains(check.Detail, tt.detailHas) {
				t.Errorf("check %+v, want %s/%s containing %q", check, tt.checkState, tt.code, tt.detailHas)
			}
		})
	}
}

func TestGenerateDataSetUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there any more: connection refused
	creds := credentials.NewStaticCredentialsProvider(testAKID, testSecret, "")
	// On AWS's own endpoint, a refused connection reads as the service gone.
	c := &CASClient{Endpoint: addr, AWSEndpoint: true, Credentials: creds}
	_, err = c.GenerateDataSet(context.Background(), GenerateDataSetInput{})
	var gone *CASServiceGoneError
	if !errors.As(err, &gone) {
		t.Errorf("err %v, want CASServiceGoneError", err)
	}
	// On the sandbox it is a plain failure to reach it.
	c.AWSEndpoint = false
	s3f, snsf, _ := casWorld()
	check := TestCAS(context.Background(), CASDeps{S3: s3f, SNS: snsf, CAS: c}, outputs(), acct, "")[3]
	if check.Status != StatusFailed || strings.Contains(check.Detail, "discontinu") || !strings.Contains(check.Detail, "cannot reach") ||
		!strings.Contains(check.Fix, "network") {
		t.Errorf("check %+v", check)
	}
	// Without credentials nothing is sent.
	c.Credentials = nil
	if _, err := c.GenerateDataSet(context.Background(), GenerateDataSetInput{}); err == nil || !strings.Contains(err.Error(), "no AWS credentials") {
		t.Errorf("err %v", err)
	}
}

func TestCASEndpoint(t *testing.T) {
	sandbox := aws.String("http://127.0.0.1:4566")
	tests := []struct {
		name, env, ignore string
		base              *string
		want              string
		custom            bool
	}{
		{"AWS by default", "", "", nil, CASDefaultEndpoint, false},
		{"the config's BaseEndpoint", "", "", sandbox, "http://127.0.0.1:4566", true},
		{"service-specific variable wins, as in the SDK", "http://127.0.0.1:9999", "", sandbox, "http://127.0.0.1:9999", true},
		{"service-specific variable alone", "http://127.0.0.1:9999", "", nil, "http://127.0.0.1:9999", true},
		{"configured endpoints ignored", "http://127.0.0.1:9999", "true", nil, CASDefaultEndpoint, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(CASEndpointEnv, tt.env)
			t.Setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", tt.ignore)
			got, custom := CASEndpoint(aws.Config{BaseEndpoint: tt.base})
			if got != tt.want || custom != tt.custom {
				t.Errorf("CASEndpoint = %s, %v; want %s, %v", got, custom, tt.want, tt.custom)
			}
		})
	}
	// Without an HTTP client in the config, awsconn's (with its
	// deadlines) is used.
	c := NewCASClient(aws.Config{})
	if hc, ok := c.HTTPClient.(*awshttp.BuildableClient); !ok || hc.GetTransport().ResponseHeaderTimeout != awsconn.DefaultFirstByteTimeout || hc.GetDialer().Timeout != awsconn.DefaultConnectTimeout {
		t.Errorf("default HTTP client %#v", c.HTTPClient)
	}
}

func TestGenerateDataSetDeadlines(t *testing.T) {
	never := testaws.ListenNeverAnswer(t)
	creds := credentials.NewStaticCredentialsProvider(testAKID, testSecret, "")
	tests := []struct {
		name      string
		deadlines awsconn.Deadlines
		within    time.Duration
	}{
		{"whole call", awsconn.Deadlines{Call: 200 * time.Millisecond}, 200 * time.Millisecond},
		{"first byte", awsconn.Deadlines{FirstByte: 100 * time.Millisecond, Call: time.Hour}, 100 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &CASClient{Endpoint: never, Credentials: creds, Deadlines: tc.deadlines}
			_, err := c.GenerateDataSet(context.Background(), GenerateDataSetInput{})
			var ue *awsconn.UnreachableError
			if !errors.As(err, &ue) {
				t.Fatalf("err %v, want *awsconn.UnreachableError", err)
			}
			if ue.Within != tc.within {
				t.Errorf("Within %v, want %v", ue.Within, tc.within)
			}
		})
	}
}
