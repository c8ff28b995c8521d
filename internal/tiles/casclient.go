package tiles

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go"

	"github.com/sellerdesk/sellerdesk/internal/awsconn"
)

// The Commerce Analytics Service wire contract (botocore's
// marketplacecommerceanalytics 2015-07-01 model): JSON 1.1 over POST /,
// SigV4 signing name "marketplacecommerceanalytics", us-east-1 only.
const (
	CASDefaultEndpoint = "https://marketplacecommerceanalytics.us-east-1.amazonaws.com"
	CASSigningName     = "marketplacecommerceanalytics"
	CASRegion          = "us-east-1"
	CASTarget          = "MarketplaceCommerceAnalytics20150701.GenerateDataSet"
	CASContentType     = "application/x-amz-json-1.1"
	// CASEndpointEnv is the SDK's service-specific endpoint variable for the
	// service ID "Marketplace Commerce Analytics".
	CASEndpointEnv = "AWS_ENDPOINT_URL_MARKETPLACE_COMMERCE_ANALYTICS"
)

// GenerateDataSetInput is the GenerateDataSet request.
type GenerateDataSetInput struct {
	DataSetType             string
	DataSetPublicationDate  time.Time // sent as epoch seconds
	RoleNameArn             string
	DestinationS3BucketName string
	DestinationS3Prefix     string
	SnsTopicArn             string
	CustomerDefinedValues   map[string]string
}

// MarshalJSON writes the request body in the service's member names.
func (in GenerateDataSetInput) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		DataSetType             string            `json:"dataSetType"`
		DataSetPublicationDate  int64             `json:"dataSetPublicationDate"`
		RoleNameArn             string            `json:"roleNameArn"`
		DestinationS3BucketName string            `json:"destinationS3BucketName"`
		DestinationS3Prefix     string            `json:"destinationS3Prefix,omitempty"`
		SnsTopicArn             string            `json:"snsTopicArn"`
		CustomerDefinedValues   map[string]string `json:"customerDefinedValues,omitempty"`
	}{in.DataSetType, in.DataSetPublicationDate.Unix(), in.RoleNameArn, in.DestinationS3BucketName,
		in.DestinationS3Prefix, in.SnsTopicArn, in.CustomerDefinedValues})
}

// CASClient calls GenerateDataSet with a hand-built, SigV4-signed JSON 1.1
// request: the SDK's CAS module is not available to this project.
type CASClient struct {
	// Endpoint is the base URL; AWSEndpoint says it is AWS's own (not a
	// sandbox or an override), which decides how a missing service reads.
	Endpoint    string
	AWSEndpoint bool
	Credentials aws.CredentialsProvider
	HTTPClient  aws.HTTPClient
	Signer      *v4.Signer
	Now         func() time.Time
	// Deadlines bound each call as awsconn bounds SDK operations (zero
	// fields: the defaults).
	Deadlines awsconn.Deadlines
}

// NewCASClient takes the endpoint (CASEndpoint), credentials and HTTP client
// from cfg; without an HTTP client in cfg it uses one with a timeout.
func NewCASClient(cfg aws.Config) *CASClient {
	ep, custom := CASEndpoint(cfg)
	hc := cfg.HTTPClient
	if hc == nil {
		hc = awsconn.NewHTTPClient(awsconn.Deadlines{})
	}
	return &CASClient{Endpoint: ep, AWSEndpoint: !custom, Credentials: cfg.Credentials, HTTPClient: hc, Signer: v4.NewSigner(), Now: time.Now}
}

// CASEndpoint resolves the CAS base URL as the SDK would for a service
// client: the service-specific AWS_ENDPOINT_URL_MARKETPLACE_COMMERCE_ANALYTICS
// (unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true), else the config's
// BaseEndpoint (the sandbox sets it), else AWS's us-east-1 endpoint.
// custom is false only for AWS's own endpoint.
func CASEndpoint(cfg aws.Config) (endpoint string, custom bool) {
	if !strings.EqualFold(os.Getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		if v := strings.TrimSpace(os.Getenv(CASEndpointEnv)); v != "" {
			return v, true
		}
	}
	if cfg.BaseEndpoint != nil && strings.TrimSpace(*cfg.BaseEndpoint) != "" {
		return strings.TrimSpace(*cfg.BaseEndpoint), true
	}
	return CASDefaultEndpoint, false
}

// CASError is an error answer of the service, in the JSON 1.1 error form
// ({"__type": ..., "message": ...}). It is a smithy.APIError.
type CASError struct {
	StatusCode int
	Code       string // from the answer; for an unreadable answer, from the HTTP status
	Message    string
	RequestID  string
	// Unreadable: the answer was not a JSON 1.1 error (an HTML page, say),
	// so the endpoint does not speak CAS's protocol.
	Unreadable bool
}

func (e *CASError) Error() string {
	return fmt.Sprintf("marketplacecommerceanalytics GenerateDataSet: HTTP %d %s: %s", e.StatusCode, e.Code, e.Message)
}

// ErrorCode is the AWS error code.
func (e *CASError) ErrorCode() string { return e.Code }

// ErrorMessage is AWS's message.
func (e *CASError) ErrorMessage() string { return e.Message }

// ErrorFault says whose fault it was, from the HTTP status.
func (e *CASError) ErrorFault() smithy.ErrorFault {
	switch {
	case e.StatusCode >= 500:
		return smithy.FaultServer
	case e.StatusCode >= 400:
		return smithy.FaultClient
	}
	return smithy.FaultUnknown
}

// HTTPStatusCode is the response's HTTP status.
func (e *CASError) HTTPStatusCode() int { return e.StatusCode }

// CASServiceGoneError says AWS's own CAS endpoint no longer answers, or no
// longer knows the operation: what the discontinuation looks like.
type CASServiceGoneError struct {
	Endpoint string
	Err      error
}

func (e *CASServiceGoneError) Error() string {
	return fmt.Sprintf("the Commerce Analytics Service at %s did not serve GenerateDataSet: %v", e.Endpoint, e.Err)
}

func (e *CASServiceGoneError) Unwrap() error { return e.Err }

// IsAWSEndpoint reports whether the client calls AWS's own CAS endpoint.
func (c *CASClient) IsAWSEndpoint() bool { return c.AWSEndpoint }

// GenerateDataSet sends the request and returns the dataSetRequestId.
func (c *CASClient) GenerateDataSet(ctx context.Context, in GenerateDataSetInput) (string, error) {
	id, err := c.generate(ctx, in)
	if err != nil && c.AWSEndpoint && serviceGone(err) {
		return "", &CASServiceGoneError{Endpoint: c.Endpoint, Err: err}
	}
	return id, err
}

func (c *CASClient) generate(ctx context.Context, in GenerateDataSetInput) (string, error) {
	if c.Credentials == nil {
		return "", errors.New("signing the CAS GenerateDataSet request: no AWS credentials in the configuration")
	}
	body, err := json.Marshal(in)
	if err != nil {
		return "", fmt.Errorf("encoding the CAS GenerateDataSet request: %w", err)
	}
	ctx, cancel, guard := awsconn.GuardCall(ctx, c.Deadlines, c.Endpoint)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(c.Endpoint, "/")+"/", bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("building the CAS GenerateDataSet request for %s: %w", c.Endpoint, err)
	}
	req.Header.Set("Content-Type", CASContentType)
	req.Header.Set("X-Amz-Target", CASTarget)
	creds, err := c.Credentials.Retrieve(ctx)
	if err != nil {
		return "", fmt.Errorf("retrieving credentials to sign the CAS GenerateDataSet request: %w", err)
	}
	sum := sha256.Sum256(body)
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	signer := c.Signer
	if signer == nil {
		signer = v4.NewSigner()
	}
	if err := signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), CASSigningName, CASRegion, now().UTC()); err != nil {
		return "", fmt.Errorf("signing the CAS GenerateDataSet request: %w", err)
	}
	hc := c.HTTPClient
	if hc == nil {
		hc = awsconn.NewHTTPClient(c.Deadlines)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("calling CAS GenerateDataSet at %s: %w", c.Endpoint, guard.Err(ctx, err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("reading the CAS GenerateDataSet answer from %s: %w", c.Endpoint, guard.Err(ctx, err))
	}
	if resp.StatusCode/100 != 2 {
		return "", decodeCASError(resp, raw)
	}
	var out struct {
		DataSetRequestID string `json:"dataSetRequestId"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return "", fmt.Errorf("reading the CAS GenerateDataSet answer from %s (HTTP %d): %w", c.Endpoint, resp.StatusCode, err)
	}
	if out.DataSetRequestID == "" {
		return "", fmt.Errorf("CAS GenerateDataSet at %s answered HTTP %d without a dataSetRequestId", c.Endpoint, resp.StatusCode)
	}
	return out.DataSetRequestID, nil
}

// decodeCASError reads a JSON 1.1 error: the code from X-Amzn-ErrorType or
// the body's __type/code (shape-id prefixes and ":..." suffixes removed).
func decodeCASError(resp *http.Response, raw []byte) error {
	e := &CASError{StatusCode: resp.StatusCode, RequestID: resp.Header.Get("X-Amzn-RequestId")}
	var b struct {
		Type     string `json:"__type"`
		Code     string `json:"code"`
		Message  string `json:"message"`
		MessageU string `json:"Message"`
	}
	jerr := json.Unmarshal(raw, &b)
	code := resp.Header.Get("X-Amzn-ErrorType")
	e.Unreadable = code == "" && (jerr != nil || (b.Type == "" && b.Code == ""))
	for _, c := range []string{b.Type, b.Code} {
		if code == "" {
			code = c
		}
	}
	if i := strings.Index(code, ":"); i >= 0 {
		code = code[:i]
	}
	if i := strings.LastIndex(code, "#"); i >= 0 {
		code = code[i+1:]
	}
	e.Code = strings.TrimSpace(code)
	if e.Code == "" {
		e.Code = http.StatusText(resp.StatusCode)
		if e.Code == "" {
			e.Code = fmt.Sprint(resp.StatusCode)
		}
		e.Code = strings.ReplaceAll(e.Code, " ", "")
	}
	e.Message = b.Message
	if e.Message == "" {
		e.Message = b.MessageU
	}
	if e.Message == "" && len(raw) > 0 && raw[0] != '{' {
		e.Message = strings.TrimSpace(string(raw[:min(len(raw), 300)]))
	}
	return e
}

// serviceGone: on AWS's own endpoint, a host that no longer resolves or
// refuses connections, a 404/410/501, or an unknown operation. Timeouts,
// throttling and server errors are not taken for the service being gone.
func serviceGone(err error) bool {
	var dns *net.DNSError
	if (errors.As(err, &dns) && dns.IsNotFound) || errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	switch httpStatus(err) {
	case http.StatusNotFound, http.StatusGone, http.StatusNotImplemented:
		return true
	}
	return notSupportedCodes[errorCode(err)]
}
