package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// jsonHandler runs one JSON 1.0/1.1 operation on the raw request body. The
// result is JSON-encoded (nil → "{}"). Use jsonOp to get a typed input.
type jsonHandler func(c *call, body []byte) (any, error)

// jsonOp adapts a handler taking a decoded input struct; a body that does not
// decode into In is answered with SerializationException.
func jsonOp[In any](f func(c *call, in *In) (any, error)) jsonHandler {
	return func(c *call, body []byte) (any, error) {
		in := new(In)
		if err := decodeJSON(body, in); err != nil {
			return nil, err
		}
		return f(c, in)
	}
}

// decodeJSON decodes a JSON request body (empty means {}) into v.
func decodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return apiError(http.StatusBadRequest, "SerializationException", "cannot decode request body: %v", err)
	}
	return nil
}

// handleJSON registers an AWS JSON service (version "1.0" or "1.1"): POST / with
// X-Amz-Target "targetPrefix.Operation", e.g. handleJSON("kms", "1.1",
// "TrentService", ops) or handleJSON("sqs", "1.0", "AmazonSQS", ops).
func handleJSON(service, version, targetPrefix string, ops map[string]jsonHandler) {
	registerService(service, &jsonService{jsonProtocol{version: version}, targetPrefix, ops})
}

type jsonProtocol struct {
	version string
	// queryErrors, when set, makes the service awsQueryCompatible (as SQS
	// is): every error also carries the header
	// "x-amzn-query-error: <code>;Sender|Receiver", where code is
	// queryErrors[e.Code] if present, else e.Code, so that boto3 and the AWS
	// CLI report the legacy awsquery error code.
	queryErrors map[string]string
}

func (jsonProtocol) newRequestID() string { return newUUID() }

func (jsonProtocol) setRequestID(h http.Header, id string) { h.Set("x-amzn-RequestId", id) }

func (jsonProtocol) common(kind commonError, msg string) *APIError {
	switch kind {
	case errMissingAuth:
		return &APIError{http.StatusForbidden, "MissingAuthenticationTokenException", msg}
	case errMalformedAuth, errMalformedPresign:
		return &APIError{http.StatusForbidden, "IncompleteSignatureException", msg}
	case errBrowserOrigin:
		return &APIError{http.StatusForbidden, "AccessDeniedException", msg}
	case errUnknownService:
		return &APIError{http.StatusNotImplemented, "NotImplemented", msg}
	case errUnknownOperation:
		return &APIError{http.StatusBadRequest, "UnknownOperationException", msg}
	default:
		return &APIError{http.StatusInternalServerError, "InternalFailure", msg}
	}
}

func (p jsonProtocol) contentType() string { return "application/x-amz-json-" + p.version }

func (p jsonProtocol) writeError(w http.ResponseWriter, c *call, e *APIError) {
	if p.queryErrors != nil {
		code := e.Code
		if q, ok := p.queryErrors[e.Code]; ok {
			code = q
		}
		w.Header().Set("x-amzn-query-error", code+";"+e.faultType())
	}
	writeJSON(w, p.contentType(), e.Status, map[string]string{"__type": e.Code, "message": e.Message})
}

type jsonService struct {
	jsonProtocol
	prefix string
	ops    map[string]jsonHandler
}

func (s *jsonService) serve(w http.ResponseWriter, c *call) {
	target := c.req.Header.Get("X-Amz-Target")
	prefix, op, _ := strings.Cut(target, ".")
	c.action = op
	h, ok := s.ops[op]
	if prefix != s.prefix || !ok {
		if c.action == "" {
			c.action = target
		}
		s.writeError(w, c, s.common(errUnknownOperation, fmt.Sprintf(
			"unknown X-Amz-Target %q (the SellerDesk sandbox implements %s.{%s})",
			target, s.prefix, strings.Join(sortedKeys(s.ops), ","))))
		return
	}
	body, err := c.readBody()
	if err != nil {
		fail(w, c, s, err)
		return
	}
	out, err := h(c, body)
	if err != nil {
		fail(w, c, s, err)
		return
	}
	if out == nil {
		out = struct{}{}
	}
	writeJSON(w, s.contentType(), http.StatusOK, out)
}

// writeJSON encodes v; an encoding failure (a sandbox bug) becomes a 500.
func writeJSON(w http.ResponseWriter, contentType string, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body, _ = json.Marshal(map[string]string{"__type": "InternalFailure", "message": "cannot encode response: " + err.Error()})
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
