// Package httplimits holds the limits SellerDesk's loopback servers (the
// sandbox and serve-web) put on slow or oversized clients, so that both
// bound a connection the same way and only their defaults differ.
package httplimits

import (
	"net/http"
	"time"
)

// MaxHeaderBytes bounds request headers (S3 allows 8 KB of them; the SDKs
// send far less).
const MaxHeaderBytes = 64 << 10

// Timeouts are an HTTP server's limits on slow clients.
type Timeouts struct {
	// ReadHeader bounds reading the request line and headers.
	ReadHeader time.Duration
	// Read bounds reading the whole request, body included, so a client
	// trickling a body cannot hold a connection (and a goroutine) forever.
	Read time.Duration
	// Write bounds the time from the end of the headers to the end of the
	// response.
	Write time.Duration
	// Idle bounds how long a keep-alive connection waits for the next request.
	Idle time.Duration
}

// Or returns t with each zero field taken from d.
func (t Timeouts) Or(d Timeouts) Timeouts {
	pick := func(v, d time.Duration) time.Duration {
		if v > 0 {
			return v
		}
		return d
	}
	return Timeouts{pick(t.ReadHeader, d.ReadHeader), pick(t.Read, d.Read), pick(t.Write, d.Write), pick(t.Idle, d.Idle)}
}

// Server is an http.Server for h within t and MaxHeaderBytes.
func (t Timeouts) Server(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.Read, WriteTimeout: t.Write,
		IdleTimeout: t.Idle, MaxHeaderBytes: MaxHeaderBytes}
}
