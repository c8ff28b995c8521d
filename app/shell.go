package app

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/sellerdesk/sellerdesk/internal/version"
)

// AppInfo is what the About view shows.
type AppInfo struct {
	Name      string `json:"name"`
	Version   string `json:"version"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
	DataDir   string `json:"dataDir"`
	StateFile string `json:"stateFile"`
	LogFile   string `json:"logFile"`
}

// Notice is something the user must be told once at start, such as a
// corrupt cache that was moved aside.
type Notice struct {
	Level   string `json:"level"` // info, warning, error
	Title   string `json:"title"`
	Message string `json:"message"`
}

// ShellOptions configure the Shell service.
type ShellOptions struct {
	DataDir, StateFile, LogFile string
	Notices                     []Notice
	// ReadyFile, when set (SELLERDESK_READY_FILE), receives the start-to-ready
	// timing as JSON; the smoke test and benchmarks read it.
	ReadyFile string
	Started   time.Time
}

// Shell is the bound service for app-wide things: about, notices, readiness.
type Shell struct {
	o   ShellOptions
	p   Platform
	log *slog.Logger

	once sync.Once
}

// NewShell wires the service.
func NewShell(o ShellOptions, p Platform, log *slog.Logger) *Shell {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Shell{o: o, p: p, log: log}
}

// About describes this build and where it keeps its files.
func (s *Shell) About() AppInfo {
	return AppInfo{Name: "SellerDesk", Version: version.String(), GoVersion: runtime.Version(),
		Platform: runtime.GOOS + "/" + runtime.GOARCH, DataDir: s.o.DataDir, StateFile: s.o.StateFile, LogFile: s.o.LogFile}
}

// Notices returns the start-up notices.
func (s *Shell) Notices() []Notice { return s.o.Notices }

// ReadyReport is written to the ready file. Two moments are reported, both
// from process start: the tiles with their state in the document (never
// earlier than DOMContentLoaded, the moment a bare page is measured at), and
// the first frame drawn after that, which every page pays for after
// DOMContentLoaded (layout, paint).
type ReadyReport struct {
	PID               int     `json:"pid"`
	ProcessToReady    float64 `json:"processToReadyMs"`
	DOMReadyToUI      float64 `json:"domReadyToTilesMs"`
	ProcessToFrame    float64 `json:"processToFirstFrameMs"`
	DOMReadyToFrameMs float64 `json:"domReadyToFirstFrameMs"`
}

// Ready is called once by the frontend, at the first frame after the tiles
// were rendered with their state. Both arguments are measured in the page:
// DOMContentLoaded → tiles in the document, and DOMContentLoaded → that frame.
func (s *Shell) Ready(domToTilesMs, domToFrameMs float64) {
	s.once.Do(func() {
		now := float64(time.Since(s.o.Started).Microseconds()) / 1000
		domToFrameMs = max(domToFrameMs, domToTilesMs)
		r := ReadyReport{PID: os.Getpid(), ProcessToReady: now - (domToFrameMs - domToTilesMs), DOMReadyToUI: domToTilesMs,
			ProcessToFrame: now, DOMReadyToFrameMs: domToFrameMs}
		s.log.Info("ui ready", "process_to_ready_ms", r.ProcessToReady, "dom_to_tiles_ms", r.DOMReadyToUI,
			"process_to_first_frame_ms", r.ProcessToFrame)
		if s.o.ReadyFile == "" {
			return
		}
		b, _ := json.Marshal(r)
		if err := os.WriteFile(s.o.ReadyFile, b, 0o644); err != nil {
			s.log.Warn("could not write the ready file", "err", err)
		}
	})
}

// OpenURL opens an https link in the user's browser.
func (s *Shell) OpenURL(link string) error {
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("refusing to open %q: only http(s) links are opened", link)
	}
	return s.p.OpenURL(link)
}
