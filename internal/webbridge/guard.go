package webbridge

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/httplimits"
)

// The bridge drives the real services with the user's real credentials, so
// it must answer only the page it served: any other web page the user visits
// can reach a loopback port (form posts, text/plain fetches, EventSource,
// DNS rebinding). Every request must name the bound address in Host; the API
// and index.html (which holds the boot state) also need the per-run token;
// a browser's Origin, when sent, must be the bridge's own; calls must be
// application/json, which no page can send cross-origin without a CORS
// preflight the bridge never answers.

// TokenHeader carries the token on /api/call (the injected script sets it).
const TokenHeader = "X-SellerDesk-Token"

// tokenParam carries the token in the printed URL and on /api/events
// (EventSource cannot set headers).
const tokenParam = "token"

// RefusalKind classifies why a request was refused.
type RefusalKind int

const (
	RefuseHost        RefusalKind = iota + 1 // Host is not the bound loopback address
	RefuseOrigin                             // Origin (or Sec-Fetch-Site) says another site made it
	RefuseToken                              // the per-run token is missing or wrong
	RefuseContentType                        // a call that is not application/json
	RefuseUnbound                            // the bridge was never given its address
)

var refusalNames = map[RefusalKind]string{
	RefuseHost: "WrongHost", RefuseOrigin: "ForeignOrigin", RefuseToken: "BadToken",
	RefuseContentType: "UnsupportedMediaType", RefuseUnbound: "NotListening",
}

func (k RefusalKind) String() string {
	if s, ok := refusalNames[k]; ok {
		return s
	}
	return fmt.Sprintf("RefusalKind(%d)", int(k))
}

// Refusal is why a request was not served.
type Refusal struct {
	Kind RefusalKind
	Msg  string
}

func (r *Refusal) Error() string { return r.Kind.String() + ": " + r.Msg }

// Status is the HTTP status the refusal is answered with.
func (r *Refusal) Status() int {
	switch r.Kind {
	case RefuseContentType:
		return http.StatusUnsupportedMediaType
	case RefuseUnbound:
		return http.StatusServiceUnavailable
	default:
		return http.StatusForbidden
	}
}

func refuse(k RefusalKind, format string, args ...any) *Refusal {
	return &Refusal{Kind: k, Msg: fmt.Sprintf(format, args...)}
}

func writeRefusal(w http.ResponseWriter, r *Refusal) {
	writeJSON(w, r.Status(), map[string]string{"error": r.Msg, "code": r.Kind.String()})
}

// newToken is 32 random bytes, URL-safe.
func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it aborts the program instead)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Token is this run's secret; it is in URL.
func (b *Bridge) Token() string { return b.token }

// SetAddr tells the bridge the host:port it is served on (the listener's
// address, e.g. 127.0.0.1:43121): only requests naming it in Host are
// answered. Until it is set the bridge refuses everything.
func (b *Bridge) SetAddr(hostport string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.addr = hostport
}

func (b *Bridge) boundAddr() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.addr
}

// URL is the address to open: it carries the token, so it is the only way in.
func (b *Bridge) URL() string {
	return "http://" + b.boundAddr() + "/?" + tokenParam + "=" + b.token
}

// cookieName is per port: cookies are not, and two bridges on one host (the
// e2e tests run several) must not overwrite each other's.
func (b *Bridge) cookieName() string {
	_, port, _ := net.SplitHostPort(b.boundAddr())
	return "sellerdesk_token_" + port
}

// checkSite refuses requests for another name (DNS rebinding: the page's
// origin is the attacker's name resolving to 127.0.0.1) and requests a page
// of another origin made.
func (b *Bridge) checkSite(r *http.Request) *Refusal {
	addr := b.boundAddr()
	if addr == "" {
		return refuse(RefuseUnbound, "the web bridge has no address yet")
	}
	if r.Host != addr {
		return refuse(RefuseHost, "Host %q is not %s: open the URL serve-web printed", r.Host, addr)
	}
	if origin, ok := r.Header["Origin"]; ok && (len(origin) != 1 || origin[0] != "http://"+addr) {
		return refuse(RefuseOrigin, "Origin %q is not http://%s: only the page the web bridge serves may call it", strings.Join(origin, ","), addr)
	}
	return nil
}

// checkAPI adds, for the API: no page of another origin (browsers that send
// Fetch Metadata say so even where they omit Origin), and the token.
func (b *Bridge) checkAPI(r *http.Request, fromHeader, fromQuery bool) *Refusal {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return refuse(RefuseOrigin, "Sec-Fetch-Site %q: only the page the web bridge serves may call it", site)
	}
	return b.checkToken(r, fromHeader, fromQuery)
}

// checkToken accepts the token from the cookie index.html set and, as
// allowed, from the X-SellerDesk-Token header or the ?token= parameter.
func (b *Bridge) checkToken(r *http.Request, fromHeader, fromQuery bool) *Refusal {
	var offered []string
	if fromHeader {
		offered = append(offered, r.Header.Values(TokenHeader)...)
	}
	if fromQuery {
		offered = append(offered, r.URL.Query()[tokenParam]...)
	}
	if c, err := r.Cookie(b.cookieName()); err == nil {
		offered = append(offered, c.Value)
	}
	if len(offered) == 0 {
		return refuse(RefuseToken, "no token: open the URL serve-web printed (it carries ?%s=)", tokenParam)
	}
	for _, t := range offered {
		if subtle.ConstantTimeCompare([]byte(t), []byte(b.token)) == 1 {
			return nil
		}
	}
	return refuse(RefuseToken, "wrong token: open the URL this run of serve-web printed")
}

// checkJSON: a page of another origin can send text/plain, form and
// multipart bodies without asking; application/json it cannot.
func checkJSON(r *http.Request) *Refusal {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return refuse(RefuseContentType, "Content-Type %q: calls are application/json", ct)
	}
	return nil
}

// setTokenCookie lets a reload of the page (and only this origin's pages)
// keep working without the token in the URL.
func (b *Bridge) setTokenCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: b.cookieName(), Value: b.token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

// Timeouts are the server's limits on slow clients (the event stream is
// exempt from Read and Write).
type Timeouts = httplimits.Timeouts

// DefaultTimeouts suit a browser on loopback. Write is generous: a bound
// method may call AWS (with the SDK's retries) before it answers.
var DefaultTimeouts = Timeouts{ReadHeader: 10 * time.Second, Read: 30 * time.Second, Write: 5 * time.Minute, Idle: 2 * time.Minute}

const (
	// maxCallBytes bounds a call's body (a template is the biggest argument;
	// CloudFormation's own limit for one is 1 MB).
	maxCallBytes = 8 << 20
)

// Server is an http.Server for the bridge on ln: it learns its address from
// ln, and zero Timeouts fields get DefaultTimeouts' values.
func (b *Bridge) Server(ln net.Listener, t Timeouts) *http.Server {
	b.SetAddr(ln.Addr().String())
	return t.Or(DefaultTimeouts).Server(b)
}

// isTooLarge tells a call over maxCallBytes apart from a malformed one.
func isTooLarge(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}
