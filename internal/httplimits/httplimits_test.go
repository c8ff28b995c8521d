package httplimits

import (
	"testing"
	"time"
)

func TestOrAndServer(t *testing.T) {
	d := Timeouts{ReadHeader: 1 * time.Second, Read: 2 * time.Second, Write: 3 * time.Second, Idle: 4 * time.Second}
	got := Timeouts{Read: 200 * time.Millisecond}.Or(d)
	want := Timeouts{ReadHeader: time.Second, Read: 200 * time.Millisecond, Write: 3 * time.Second, Idle: 4 * time.Second}
	if got != want {
		t.Fatalf("Or = %+v, want %+v", got, want)
	}
	s := got.Server(nil)
	if s.ReadHeaderTimeout != time.Second || s.ReadTimeout != 200*time.Millisecond || s.WriteTimeout != 3*time.Second ||
		s.IdleTimeout != 4*time.Second || s.MaxHeaderBytes != MaxHeaderBytes {
		t.Errorf("server limits %+v", s)
	}
}
