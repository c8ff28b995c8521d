// SellerDesk: onboard an AWS Marketplace seller from local AWS profiles.
//
// With no subcommand the window opens; with one, the command-line face runs
// (see internal/cli). Both use the same services.
package main

import (
	"context"
	"embed"
	"io/fs"
	"net/http"
	"os"
	"time"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/sellerdesk/sellerdesk/app"
	"github.com/sellerdesk/sellerdesk/internal/cli"
	"github.com/sellerdesk/sellerdesk/internal/session"
	"github.com/sellerdesk/sellerdesk/internal/store"
)

//go:embed all:frontend/dist
var assets embed.FS

// appIcon is SellerDesk's icon (build/appicon.svg, rendered by
// scripts/render-icons.sh): the Linux window's icon and the About view's
// picture (served at /appicon.png). Windows takes build/windows/icon.ico
// from the executable's resources.
//
//go:embed build/linux/icons/hicolor/256x256/apps/sellerdesk.png
var appIcon []byte

var started = time.Now()

func main() {
	dist, err := fs.Sub(assets, "frontend/dist")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder
	}
	os.Exit(cli.Main(os.Args[1:], cli.Deps{Assets: dist, RunGUI: runGUI}))
}

// desktop is the Platform of the real window.
type desktop struct{ ctx context.Context }

func (d *desktop) Emit(event string, data any) {
	if d.ctx != nil {
		wruntime.EventsEmit(d.ctx, event, data)
	}
}

func (d *desktop) OpenURL(url string) error {
	if d.ctx != nil {
		wruntime.BrowserOpenURL(d.ctx, url)
	}
	return nil
}

func (d *desktop) SaveFile(title, defaultName string) (string, error) {
	if d.ctx == nil {
		return "", nil
	}
	return wruntime.SaveFileDialog(d.ctx, wruntime.SaveDialogOptions{Title: title, DefaultFilename: defaultName,
		Filters: []wruntime.FileFilter{{DisplayName: "JSON files (*.json)", Pattern: "*.json"}}})
}

type windowSize struct{ Width, Height int }

func runGUI(g cli.Globals) error {
	// WebKitGTK's DMA-BUF renderer shows a blank window on some GPUs and
	// under Xvfb; Wails v2 does not set this itself.
	if os.Getenv("WEBKIT_DISABLE_DMABUF_RENDERER") == "" {
		_ = os.Setenv("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
	}
	ctx := context.Background()
	plat := &desktop{}
	svc, err := app.Build(ctx, app.Options{Platform: plat, Started: started, TimeScale: max(g.TimeScale, 1)})
	if err != nil {
		return err
	}
	defer svc.Close()

	size := windowSize{Width: 1180, Height: 780}
	if svc.Store != nil {
		_, _ = svc.Store.Get(ctx, store.BucketSettings, "window", &size)
	}
	var asked *session.Target
	if g.Sandbox != "" || g.Bundle != "" || g.Profile != "" || os.Getenv("AWS_PROFILE") != "" {
		t := g.Target()
		asked = &t
	}
	return wails.Run(&options.App{
		Title:     "SellerDesk",
		Width:     size.Width,
		Height:    size.Height,
		MinWidth:  860,
		MinHeight: 600,
		AssetServer: &assetserver.Options{
			Assets:     assets,
			Middleware: bootPage(svc),
		},
		BackgroundColour: &options.RGBA{R: 24, G: 24, B: 28, A: 1},
		SingleInstanceLock: &options.SingleInstanceLock{
			UniqueId: "io.sellerdesk.app",
			OnSecondInstanceLaunch: func(options.SecondInstanceData) {
				// A second launch focuses this window; its arguments are ignored.
				if plat.ctx != nil {
					wruntime.WindowUnminimise(plat.ctx)
					wruntime.Show(plat.ctx)
				}
			},
		},
		Linux: &linux.Options{ProgramName: "sellerdesk", Icon: appIcon, WebviewGpuPolicy: linux.WebviewGpuPolicyNever},
		OnStartup: func(wctx context.Context) {
			plat.ctx = wctx
			svc.Start(wctx, asked)
		},
		OnBeforeClose: func(wctx context.Context) bool {
			if svc.Store != nil {
				w, h := wruntime.WindowGetSize(wctx)
				if w >= 400 && h >= 300 {
					_ = svc.Store.Put(wctx, store.BucketSettings, "window", windowSize{Width: w, Height: h})
				}
			}
			return false
		},
		Bind: svc.Bindings(),
		// Errors of bound methods reach the page as {kind, message, next,
		// code, requestId}: classified once (internal/awserr), redacted.
		ErrorFormatter: svc.FormatError,
	})
}

// bootPage serves index.html with the start-up state written into it, so the
// tiles render as the page is built (see app.BootState). Wails still adds its
// runtime scripts to what this returns.
func bootPage(svc *app.Services) assetserver.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && r.URL.Path == "/appicon.png" {
				w.Header().Set("Content-Type", "image/png")
				_, _ = w.Write(appIcon)
				return
			}
			if r.Method != http.MethodGet || (r.URL.Path != "/" && r.URL.Path != "/index.html") {
				next.ServeHTTP(w, r)
				return
			}
			page, err := fs.ReadFile(assets, "frontend/dist/index.html")
			if err != nil {
				next.ServeHTTP(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write(svc.InjectBoot(page))
		})
	}
}
