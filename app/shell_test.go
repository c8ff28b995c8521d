package app

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestReadyReport(t *testing.T) {
	tests := []struct {
		name                   string
		domToTiles, domToFrame float64
		wantTiles, wantFrame   float64 // DOM-ready offsets in the report
		wantGap                float64 // processToFirstFrame - processToReady
	}{
		{name: "tiles in the page at DOM-ready", domToTiles: 0, domToFrame: 80, wantTiles: 0, wantFrame: 80, wantGap: 80},
		{name: "tiles after DOM-ready", domToTiles: 30, domToFrame: 50, wantTiles: 30, wantFrame: 50, wantGap: 20},
		{name: "a frame before the tiles is not counted", domToTiles: 40, domToFrame: 10, wantTiles: 40, wantFrame: 40, wantGap: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "ready.json")
			s := NewShell(ShellOptions{ReadyFile: file, Started: time.Now().Add(-time.Second)}, &RecordingPlatform{}, nil)
			s.Ready(tt.domToTiles, tt.domToFrame)
			s.Ready(999, 999) // once only
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var r ReadyReport
			if err := json.Unmarshal(b, &r); err != nil {
				t.Fatal(err)
			}
			if r.DOMReadyToUI != tt.wantTiles || r.DOMReadyToFrameMs != tt.wantFrame {
				t.Errorf("DOM-ready offsets %v / %v, want %v / %v", r.DOMReadyToUI, r.DOMReadyToFrameMs, tt.wantTiles, tt.wantFrame)
			}
			if gap := r.ProcessToFrame - r.ProcessToReady; math.Abs(gap-tt.wantGap) > 0.01 {
				t.Errorf("frame - ready = %v, want %v", gap, tt.wantGap)
			}
			if r.ProcessToFrame < 1000 {
				t.Errorf("process to frame %v ms, want at least the 1 s since start", r.ProcessToFrame)
			}
		})
	}
}
