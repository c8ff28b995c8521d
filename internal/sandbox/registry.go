package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// protocol is an AWS wire protocol's way of shaping request IDs and errors.
type protocol interface {
	// newRequestID returns a fresh request ID in the protocol's style.
	newRequestID() string
	// setRequestID stamps the request ID header(s) on a response.
	setRequestID(h http.Header, id string)
	// common maps a framework-detected failure onto the protocol's error code.
	common(kind commonError, msg string) *APIError
	// writeError renders e in the protocol's error shape.
	writeError(w http.ResponseWriter, c *call, e *APIError)
}

// service is one registered AWS service: a protocol plus its operations.
type service interface {
	protocol
	// serve decodes the request, runs the operation and writes the response
	// (or the error) in the protocol's shape.
	serve(w http.ResponseWriter, c *call)
}

// services is the registry, keyed by SigV4 signing name ("sts", "s3",
// "aws-marketplace", ...). Service files add themselves from init functions.
var services = map[string]service{}

func registerService(name string, s service) {
	if _, dup := services[name]; dup {
		panic(fmt.Sprintf("sandbox: service %q registered twice", name))
	}
	services[name] = s
}

// unsignedRoute lets a service claim requests that carry no signature at all,
// such as the SSO OIDC token calls, which the SDKs send unsigned.
type unsignedRoute struct {
	service string
	match   func(*http.Request) bool
}

var unsignedRoutes []unsignedRoute

// acceptUnsigned routes requests with no Authorization header (and no
// presigned query) to service when match reports true. Everything else
// unsigned gets the protocol's MissingAuthenticationToken-style error.
func acceptUnsigned(service string, match func(*http.Request) bool) {
	unsignedRoutes = append(unsignedRoutes, unsignedRoute{service, match})
}

// call is one request as a handler sees it.
type call struct {
	srv       *Server
	req       *http.Request
	acct      *Account // the account as of the request's start (Reset swaps it)
	scope     credentialScope
	service   string // the signing name the request was routed by
	action    string // operation name, for logging; set by the codec
	requestID string
	start     time.Time
	w         http.ResponseWriter // the server's own writer (for read deadlines)
}

// now is the sandbox's clock.
func (c *call) now() time.Time { return c.start }

// caller returns who the request runs as, based on its access key ID.
func (c *call) caller() (id Identity, expired bool) {
	return c.acct.identityFor(c.scope.AccessKey, c.now())
}

// Request bodies are read into memory, so they are bounded: S3 objects up to
// maxObjectBytes, and 2 MiB for everything else, well above what AWS takes
// (CloudFormation's TemplateBody is 51,200 bytes, SQS and SNS messages 256 KiB).
const (
	maxObjectBytes = 16 << 20
	maxBodyBytes   = 2 << 20
)

// bodyLimit is the largest request body the sandbox reads for service.
func bodyLimit(service string) int64 {
	if service == "s3" {
		return maxObjectBytes
	}
	return maxBodyBytes
}

// bodyIdle is how long the sandbox waits for the next bytes of a request
// body: a client that sent fewer bytes than its Content-Length and stopped is
// answered within seconds, not left hanging until the whole-request timeout.
var bodyIdle = 5 * time.Second

// readBody reads the whole request body (bounded by bodyLimit, through the
// http.MaxBytesReader ServeHTTP puts on it). Each read has a deadline:
// bodyIdle from the last bytes, and never past the server's whole-request
// read timeout.
func (c *call) readBody() ([]byte, error) {
	if c.req.Body == nil {
		return nil, nil
	}
	var rc *http.ResponseController
	if c.w != nil {
		rc = http.NewResponseController(c.w)
	}
	var whole time.Time
	if c.srv != nil && c.srv.hs != nil && c.srv.hs.ReadTimeout > 0 {
		whole = c.start.Add(c.srv.hs.ReadTimeout)
	}
	var buf bytes.Buffer
	chunk := make([]byte, 32<<10)
	for {
		if rc != nil {
			d := time.Now().Add(bodyIdle)
			if !whole.IsZero() && whole.Before(d) {
				d = whole
			}
			_ = rc.SetReadDeadline(d) // unsupported writers read without one
		}
		n, err := c.req.Body.Read(chunk)
		buf.Write(chunk[:n])
		if err == nil {
			continue
		}
		if errors.Is(err, io.EOF) {
			return buf.Bytes(), nil
		}
		var tooLarge *http.MaxBytesError
		var ne net.Error
		switch {
		case errors.As(err, &tooLarge):
			return nil, apiError(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "request body exceeds %d bytes", tooLarge.Limit)
		case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, io.ErrUnexpectedEOF):
			if c.w != nil {
				c.w.Header().Set("Connection", "close") // the rest of the body may still come: do not read it as a request
			}
			return nil, apiError(http.StatusBadRequest, "IncompleteBody",
				"You did not provide the number of bytes specified by the Content-Length HTTP header: the sandbox received %d of %d bytes, then no more",
				buf.Len(), c.req.ContentLength)
		default:
			return nil, apiError(http.StatusBadRequest, "IncompleteBody", "cannot read request body: %v", err)
		}
	}
}

// fail writes err from a handler: an *APIError as is, anything else as the
// protocol's internal failure (logged, since it is a sandbox bug).
func fail(w http.ResponseWriter, c *call, p protocol, err error) {
	var ae *APIError
	if errors.As(err, &ae) {
		p.writeError(w, c, ae)
		return
	}
	c.srv.logf("sandbox: %s %s internal error (request %s): %v", c.service, c.action, c.requestID, err)
	p.writeError(w, c, p.common(errInternal, "the SellerDesk sandbox failed to handle this request: "+err.Error()))
}

// guessProtocol picks the protocol to answer in when a request cannot be
// routed to a service (missing signature, unknown service).
func guessProtocol(r *http.Request) protocol {
	ct := r.Header.Get("Content-Type")
	switch {
	case r.Header.Get("X-Amz-Target") != "":
		if containsFold(ct, "json-1.0") {
			return jsonProtocol{version: "1.0"}
		}
		return jsonProtocol{version: "1.1"}
	case containsFold(ct, "x-www-form-urlencoded") || r.URL.Query().Has("Action"):
		return queryProtocol{}
	case containsFold(ct, "json") || containsFold(r.Header.Get("Accept"), "json"):
		return restJSONProtocol{}
	default:
		return restXMLProtocol{}
	}
}
