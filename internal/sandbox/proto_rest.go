package sandbox

import (
	"context"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// restHandler runs one REST operation. Path wildcards are in
// c.req.PathValue(name). The result is encoded by the service's codec (JSON
// or XML) with status 200; return a *restResponse to set the status, headers
// or a raw body.
type restHandler func(c *call) (any, error)

// restRoute maps an http.ServeMux pattern ("METHOD /path/{wildcard}") to an
// operation, e.g. {"DescribeEntity", "GET /DescribeEntity", describeEntity}.
type restRoute struct {
	op      string // operation name, for logs
	pattern string
	handler restHandler
}

// restResponse gives a REST handler full control of the response.
type restResponse struct {
	status int         // 0 means 200
	header http.Header // copied onto the response
	body   any         // nil: no body; []byte or io.Reader: written raw; else encoded
}

// handleRESTJSON registers a REST-JSON service (e.g. Marketplace Catalog,
// signing name "aws-marketplace"). Errors carry the x-amzn-ErrorType header
// and a {"message": …} body.
func handleRESTJSON(service string, routes ...restRoute) {
	registerService(service, newRESTService(restJSONProtocol{}, routes))
}

// handleRESTXML registers a REST-XML service (S3 style). Errors are
// <Error><Code/><Message/><RequestId/></Error>.
func handleRESTXML(service string, routes ...restRoute) {
	registerService(service, newRESTService(restXMLProtocol{}, routes))
}

// restCodec is a REST protocol: errors and request IDs, plus body encoding.
type restCodec interface {
	protocol
	writeBody(w http.ResponseWriter, status int, v any)
}

type restService struct {
	restCodec
	mux *http.ServeMux
}

type callKey struct{}

// routeHandler is what restService registers on its mux, so that a lookup can
// tell a real route from the mux's own not-found / redirect handlers.
type routeHandler struct {
	svc   *restService
	route restRoute
}

func newRESTService(codec restCodec, routes []restRoute) *restService {
	s := &restService{restCodec: codec, mux: http.NewServeMux()}
	for _, rt := range routes {
		s.mux.Handle(rt.pattern, &routeHandler{s, rt})
	}
	return s
}

func (s *restService) serve(w http.ResponseWriter, c *call) {
	if h, _ := s.mux.Handler(c.req); h == nil || !isRoute(h) {
		c.action = c.req.Method + " " + c.req.URL.Path
		s.writeError(w, c, s.common(errUnknownOperation, fmt.Sprintf(
			"the SellerDesk sandbox does not implement %s %s for service %s", c.req.Method, c.req.URL.Path, c.service)))
		return
	}
	s.mux.ServeHTTP(w, c.req.WithContext(context.WithValue(c.req.Context(), callKey{}, c)))
}

func isRoute(h http.Handler) bool {
	_, ok := h.(*routeHandler)
	return ok
}

func (rh *routeHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := r.Context().Value(callKey{}).(*call)
	c.req = r // carries the path wildcards
	c.action = rh.route.op
	out, err := rh.route.handler(c)
	if err != nil {
		fail(w, c, rh.svc, err)
		return
	}
	writeREST(w, rh.svc, out)
}

// writeREST writes a REST handler's result (see restResponse) with codec.
func writeREST(w http.ResponseWriter, codec restCodec, out any) {
	status, body := http.StatusOK, out
	if rr, ok := out.(*restResponse); ok {
		if rr.status != 0 {
			status = rr.status
		}
		for k, vs := range rr.header {
			w.Header()[k] = vs
		}
		body = rr.body
	}
	switch b := body.(type) {
	case nil:
		w.WriteHeader(status)
	case []byte:
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(status)
		_, _ = w.Write(b)
	case io.Reader:
		w.WriteHeader(status)
		_, _ = io.Copy(w, b)
	default:
		codec.writeBody(w, status, b)
	}
}

// decodeJSONBody reads the request body and decodes it into v (REST-JSON).
func (c *call) decodeJSONBody(v any) error {
	body, err := c.readBody()
	if err != nil {
		return err
	}
	return decodeJSON(body, v)
}

// --- REST-JSON -------------------------------------------------------------

type restJSONProtocol struct{}

func (restJSONProtocol) newRequestID() string { return newUUID() }

func (restJSONProtocol) setRequestID(h http.Header, id string) { h.Set("x-amzn-RequestId", id) }

func (restJSONProtocol) common(kind commonError, msg string) *APIError {
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
		return &APIError{http.StatusNotFound, "UnknownOperationException", msg}
	default:
		return &APIError{http.StatusInternalServerError, "InternalFailure", msg}
	}
}

func (restJSONProtocol) writeError(w http.ResponseWriter, c *call, e *APIError) {
	w.Header().Set("x-amzn-ErrorType", e.Code)
	writeJSON(w, "application/json", e.Status, map[string]string{"__type": e.Code, "message": e.Message})
}

func (restJSONProtocol) writeBody(w http.ResponseWriter, status int, v any) {
	writeJSON(w, "application/json", status, v)
}

// --- REST-XML (S3 style) ----------------------------------------------------

type restXMLProtocol struct{}

func (restXMLProtocol) newRequestID() string { return newS3RequestID() }

func (restXMLProtocol) setRequestID(h http.Header, id string) {
	h.Set("x-amz-request-id", id)
	h.Set("x-amz-id-2", base64.StdEncoding.EncodeToString([]byte(randomString(48, base64Chars))))
}

func (restXMLProtocol) common(kind commonError, msg string) *APIError {
	switch kind {
	case errMissingAuth:
		return &APIError{http.StatusForbidden, "AccessDenied", msg}
	case errMalformedAuth:
		return &APIError{http.StatusBadRequest, "AuthorizationHeaderMalformed", msg}
	case errMalformedPresign:
		return &APIError{http.StatusBadRequest, "AuthorizationQueryParametersError", msg}
	case errBrowserOrigin:
		return &APIError{http.StatusForbidden, "AccessDenied", msg}
	case errUnknownService, errUnknownOperation:
		return &APIError{http.StatusNotImplemented, "NotImplemented", msg}
	default:
		return &APIError{http.StatusInternalServerError, "InternalError", msg}
	}
}

type restXMLError struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string
	Message   string
	RequestID string `xml:"RequestId"`
	HostID    string `xml:"HostId,omitempty"`
}

func (restXMLProtocol) writeError(w http.ResponseWriter, c *call, e *APIError) {
	if c.req.Method == http.MethodHead { // HEAD responses have no body
		w.WriteHeader(e.Status)
		return
	}
	body, _ := xml.Marshal(restXMLError{Code: e.Code, Message: e.Message, RequestID: c.requestID,
		HostID: w.Header().Get("x-amz-id-2")})
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(xml.Header)+len(body)))
	w.WriteHeader(e.Status)
	_, _ = io.WriteString(w, xml.Header)
	_, _ = w.Write(body)
}

func (restXMLProtocol) writeBody(w http.ResponseWriter, status int, v any) {
	body, err := xml.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body, _ = xml.Marshal(restXMLError{Code: "InternalError", Message: "cannot encode response: " + err.Error()})
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(xml.Header)+len(body)))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, xml.Header)
	_, _ = w.Write(body)
}
