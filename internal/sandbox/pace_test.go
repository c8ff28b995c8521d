package sandbox

import (
	"context"
	"math"
	"testing"
	"time"
)

func TestSetTimeScale(t *testing.T) {
	srv, err := Start(t.Context(), Options{Scenario: "fresh"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = srv.Close() }()
	tests := []struct {
		name    string
		scale   float64
		wantErr bool
		want    float64 // TimeScale afterwards
	}{
		{"faster", 20, false, 20},
		{"instant-ish", 500, false, 500},
		{"back to AWS's pace", 1, false, 1},
		{"zero refused", 0, true, 1},
		{"negative refused", -5, true, 1},
		{"NaN refused", math.NaN(), true, 1},
		{"infinity refused", math.Inf(1), true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := srv.SetTimeScale(tt.scale)
			if (err != nil) != tt.wantErr {
				t.Fatalf("SetTimeScale(%v) error %v, want error %v", tt.scale, err, tt.wantErr)
			}
			if got := srv.TimeScale(); got != tt.want {
				t.Errorf("TimeScale() = %v, want %v", got, tt.want)
			}
		})
	}
}

// A wait under way finishes at the new pace, and a switched-to scenario's
// account shares the server's pace.
func TestSetTimeScaleReachesWaitsUnderWay(t *testing.T) {
	srv, err := Start(t.Context(), Options{Scenario: "fresh", TimeScale: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = srv.Close() }()
	if err := srv.Switch("connected"); err != nil {
		t.Fatal(err)
	}
	a := srv.Account()
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- a.pause(context.Background(), 30) }() // 30 s at AWS's pace
	time.Sleep(50 * time.Millisecond)
	select {
	case err := <-done:
		t.Fatalf("the 30 s wait ended after %v at scale 1: %v", time.Since(start), err)
	default:
	}
	if err := srv.SetTimeScale(1000); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("the wait took %v after the speed-up", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the wait did not speed up: still waiting 5 s after SetTimeScale(1000)")
	}
}
