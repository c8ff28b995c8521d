package sandbox

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// queryHandler runs one awsquery operation. The result (a struct pointer with
// xml tags, or nil for operations without a result) is encoded as the
// <ActionResult> element.
type queryHandler func(c *call, p queryParams) (any, error)

// handleQuery registers an awsquery service: form-encoded POST (or GET) with
// Action and Version parameters, answered with
// <ActionResponse xmlns="..."><ActionResult>…</ActionResult><ResponseMetadata>….
func handleQuery(service, version, xmlns string, ops map[string]queryHandler) {
	registerService(service, &queryService{queryProtocol{xmlns: xmlns}, version, ops})
}

type queryProtocol struct{ xmlns string }

func (queryProtocol) newRequestID() string { return newUUID() }

func (queryProtocol) setRequestID(h http.Header, id string) { h.Set("x-amzn-RequestId", id) }

func (queryProtocol) common(kind commonError, msg string) *APIError {
	switch kind {
	case errMissingAuth:
		return &APIError{http.StatusForbidden, "MissingAuthenticationToken", msg}
	case errMalformedAuth, errMalformedPresign:
		return &APIError{http.StatusForbidden, "IncompleteSignature", msg}
	case errBrowserOrigin:
		return &APIError{http.StatusForbidden, "AccessDenied", msg}
	case errUnknownService:
		return &APIError{http.StatusNotImplemented, "NotImplemented", msg}
	case errUnknownOperation:
		return &APIError{http.StatusBadRequest, "InvalidAction", msg}
	default:
		return &APIError{http.StatusInternalServerError, "InternalFailure", msg}
	}
}

type queryErrorResponse struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	Error   struct {
		Type    string
		Code    string
		Message string
	}
	RequestID string `xml:"RequestId"`
}

func (p queryProtocol) writeError(w http.ResponseWriter, c *call, e *APIError) {
	var resp queryErrorResponse
	resp.Xmlns = p.xmlns
	resp.Error.Type = e.faultType()
	resp.Error.Code = e.Code
	resp.Error.Message = e.Message
	resp.RequestID = c.requestID
	body, _ := xml.Marshal(resp)
	writeXML(w, e.Status, body)
}

type queryService struct {
	queryProtocol
	version string
	ops     map[string]queryHandler
}

func (s *queryService) serve(w http.ResponseWriter, c *call) {
	p, err := readQueryParams(c)
	if err != nil {
		fail(w, c, s, err)
		return
	}
	action := p.get("Action")
	c.action = action
	if action == "" {
		s.writeError(w, c, apiError(http.StatusBadRequest, "MissingAction", "Request is missing the Action parameter"))
		return
	}
	h, ok := s.ops[action]
	if v := p.get("Version"); !ok || (v != "" && v != s.version) {
		if v == "" {
			v = s.version
		}
		s.writeError(w, c, s.common(errUnknownOperation, fmt.Sprintf(
			"Could not find operation %s for version %s (the SellerDesk sandbox implements %s version %s: %s)",
			action, v, c.service, s.version, strings.Join(sortedKeys(s.ops), ", "))))
		return
	}
	out, err := h(c, p)
	if err != nil {
		fail(w, c, s, err)
		return
	}
	body, err := s.encodeResult(action, c.requestID, out)
	if err != nil {
		fail(w, c, s, err)
		return
	}
	writeXML(w, http.StatusOK, body)
}

// encodeResult builds <ActionResponse><ActionResult>out</ActionResult><ResponseMetadata>.
func (s *queryService) encodeResult(action, requestID string, out any) ([]byte, error) {
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	root := xml.StartElement{Name: xml.Name{Local: action + "Response"}}
	if s.xmlns != "" {
		root.Attr = []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: s.xmlns}}
	}
	if err := enc.EncodeToken(root); err != nil {
		return nil, err
	}
	if out != nil {
		if err := enc.EncodeElement(out, xml.StartElement{Name: xml.Name{Local: action + "Result"}}); err != nil {
			return nil, fmt.Errorf("encoding %s result: %w", action, err)
		}
	}
	meta := struct {
		RequestID string `xml:"RequestId"`
	}{requestID}
	if err := enc.EncodeElement(meta, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}}); err != nil {
		return nil, err
	}
	if err := enc.EncodeToken(root.End()); err != nil {
		return nil, err
	}
	if err := enc.Flush(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeXML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// readQueryParams merges the URL query with a form-encoded body.
func readQueryParams(c *call) (queryParams, error) {
	p := c.req.URL.Query()
	body, err := c.readBody()
	if err != nil {
		return nil, err
	}
	if len(body) > 0 {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, apiError(http.StatusBadRequest, "MalformedQueryString", "cannot parse form-encoded body: %v", err)
		}
		for k, vs := range form {
			p[k] = append(p[k], vs...)
		}
	}
	return queryParams(p), nil
}

// queryParams are the parameters of an awsquery request, with helpers for the
// protocol's flattened lists ("Prefix.member.N") and structures
// ("Prefix.member.N.Field").
type queryParams url.Values

// get returns the first value of name, or "".
func (p queryParams) get(name string) string { return url.Values(p).Get(name) }

// has reports whether name was sent (possibly empty).
func (p queryParams) has(name string) bool { return url.Values(p).Has(name) }

// list returns prefix.1, prefix.2, … up to the first missing index, e.g.
// p.list("NotificationARNs.member").
func (p queryParams) list(prefix string) []string {
	var out []string
	for i := 1; ; i++ {
		k := prefix + "." + strconv.Itoa(i)
		if !p.has(k) {
			return out
		}
		out = append(out, p.get(k))
	}
}

// structs returns the structures sent as prefix.N.Field=value, in index order,
// each as its own queryParams keyed by Field (which may itself be nested), e.g.
// p.structs("Tags.member") → [{Key: [k1], Value: [v1]}, …].
func (p queryParams) structs(prefix string) []queryParams {
	byIndex := map[int]queryParams{}
	for k, vs := range p {
		rest, ok := strings.CutPrefix(k, prefix+".")
		if !ok {
			continue
		}
		idx, field, ok := strings.Cut(rest, ".")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(idx)
		if err != nil || n < 1 {
			continue
		}
		if byIndex[n] == nil {
			byIndex[n] = queryParams{}
		}
		byIndex[n][field] = vs
	}
	var out []queryParams
	for i := 1; byIndex[i] != nil; i++ {
		out = append(out, byIndex[i])
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
