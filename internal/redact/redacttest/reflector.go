package redacttest

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
)

// Reflector is an endpoint that answers every call with an error whose
// message is the request's headers plus the text of every Case: a proxy or
// a fake that echoes what it was sent, in the protocol the caller expects
// (query XML for STS, CloudFormation and IAM; JSON for the rest).
type Reflector struct {
	*httptest.Server
	mu   sync.Mutex
	sigs []string
}

// NewReflector starts one, closed when the test ends.
func NewReflector(t testing.TB) *Reflector {
	r := &Reflector{}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Close)
	return r
}

// Signatures are the SigV4 signatures of the requests seen: they must not
// be written either.
func (r *Reflector) Signatures() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.sigs...)
}

// Credentials returns ~/.aws files with profile name holding the fake keys.
func Credentials(name string) (config, credentials string) {
	return "[profile " + name + "]\nregion = us-east-1\n",
		"[" + name + "]\naws_access_key_id = " + AccessKeyID + "\naws_secret_access_key = " + SecretAccessKey + "\naws_session_token = " + SessionToken + "\n"
}

// Leaks returns which of AllSecrets (and extra) text holds.
func Leaks(text string, extra ...string) []string {
	var out []string
	for _, s := range append(AllSecrets(), extra...) {
		if s != "" && strings.Contains(text, s) {
			out = append(out, s)
		}
	}
	return out
}

var sigRE = regexp.MustCompile(`Signature=([0-9a-f]+)`)

func (r *Reflector) serve(w http.ResponseWriter, req *http.Request) {
	if m := sigRE.FindStringSubmatch(req.Header.Get("Authorization")); m != nil {
		r.mu.Lock()
		r.sigs = append(r.sigs, m[1])
		r.mu.Unlock()
	}
	var b strings.Builder
	keys := make([]string, 0, len(req.Header))
	for k := range req.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range req.Header[k] {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	for _, c := range Cases() {
		b.WriteString(c.Text + "\n")
	}
	msg := "Request rejected; the request was: " + b.String()
	if strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		var esc bytes.Buffer
		_ = xml.EscapeText(&esc, []byte(msg))
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>%s</Message></Error><RequestId>reflect-1</RequestId></ErrorResponse>`, esc.String())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Errortype", "ValidationException")
	w.WriteHeader(http.StatusBadRequest)
	fmt.Fprintf(w, `{"__type": "ValidationException", "message": %q}`, msg)
}
