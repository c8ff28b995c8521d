package store

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"
)

func openT(t *testing.T, dir string, opts ...Option) *Store {
	t.Helper()
	s, err := Open(context.Background(), dir, opts...)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestOpenCloseReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "nested", "SellerDesk")
	s := openT(t, dir)
	if got, want := s.Path(), filepath.Join(dir, FileName); got != want {
		t.Errorf("Path() = %q, want %q", got, want)
	}
	if s.Recovered() != nil {
		t.Errorf("Recovered() = %+v on a new file", s.Recovered())
	}
	type setting struct {
		Region string `json:"region"`
		Tiles  []int  `json:"tiles"`
	}
	in := setting{Region: "us-east-1", Tiles: []int{3, 1, 2}}
	if err := s.Put(ctx, BucketSettings, "ui", in); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openT(t, dir)
	var out setting
	found, err := s.Get(ctx, BucketSettings, "ui", &out)
	if err != nil || !found {
		t.Fatalf("Get after reopen: found=%v err=%v", found, err)
	}
	if out.Region != in.Region || !slices.Equal(out.Tiles, in.Tiles) {
		t.Errorf("Get after reopen = %+v, want %+v", out, in)
	}
	if v, err := s.SchemaVersion(); err != nil || v != migrations[len(migrations)-1].Version {
		t.Errorf("SchemaVersion() = %d, %v", v, err)
	}

	if runtime.GOOS != "windows" {
		for path, want := range map[string]os.FileMode{dir: 0o700, s.Path(): 0o600} {
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
				t.Errorf("mode of %s = %v (err %v), want %v", path, fi.Mode().Perm(), err, want)
			}
		}
	}
}

func TestDefaultDir(t *testing.T) {
	home := t.TempDir()
	t.Setenv("SELLERDESK_HOME", home)
	if got, err := DefaultDir(); err != nil || got != home {
		t.Errorf("DefaultDir() with SELLERDESK_HOME = %q, %v; want %q", got, err, home)
	}

	t.Setenv("SELLERDESK_HOME", "")
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("AppData", t.TempDir())
	got, err := DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	base, _ := os.UserConfigDir()
	if want := filepath.Join(base, "SellerDesk"); got != want {
		t.Errorf("DefaultDir() = %q, want %q", got, want)
	}
}

func TestDefaultMigrationsCreateBuckets(t *testing.T) {
	s := openT(t, t.TempDir())
	want := []string{
		BucketSettings, BucketIdentity, BucketStacks, BucketStackEvents, BucketTiles,
		BucketCatalogEntities, BucketCatalogTags, BucketChangesets, BucketJobs,
	}
	err := s.View(context.Background(), func(tx *bbolt.Tx) error {
		for _, b := range want {
			if tx.Bucket([]byte(b)) == nil {
				t.Errorf("bucket %s missing", b)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// recorder builds migrations that log their version when they run and
// leave a key behind, so tests can see order and rollback.
type recorder struct{ ran []int }

func (r *recorder) migrations(n int, failAt int) []Migration {
	var ms []Migration
	for v := 1; v <= n; v++ {
		ms = append(ms, Migration{Version: v * 10, Name: fmt.Sprintf("step %d", v), Up: func(tx *bbolt.Tx) error {
			b, err := tx.CreateBucketIfNotExists([]byte("log"))
			if err != nil {
				return err
			}
			if err := b.Put(fmt.Appendf(nil, "%03d", v*10), []byte("ok")); err != nil {
				return err
			}
			if v*10 == failAt {
				return errBoom
			}
			r.ran = append(r.ran, v*10)
			return nil
		}})
	}
	return ms
}

var errBoom = errors.New("boom")

func logKeys(t *testing.T, s *Store) []string {
	t.Helper()
	var keys []string
	err := s.View(context.Background(), func(tx *bbolt.Tx) error {
		if b := tx.Bucket([]byte("log")); b != nil {
			return b.ForEach(func(k, _ []byte) error { keys = append(keys, string(k)); return nil })
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func TestMigrations(t *testing.T) {
	tests := []struct {
		name      string
		first     int // migrations known by the first Open (0: skip)
		second    int // migrations known by the second Open
		failAt    int // version that fails in the second Open
		wantRan   []int
		wantVer   int
		wantErr   error
		errSubstr string
	}{
		{name: "from zero in order", second: 4, wantRan: []int{10, 20, 30, 40}, wantVer: 40},
		{name: "resume from middle", first: 2, second: 4, wantRan: []int{30, 40}, wantVer: 40},
		{name: "nothing to do", first: 3, second: 3, wantRan: nil, wantVer: 30},
		{name: "failure keeps last good version", first: 1, second: 4, failAt: 30,
			wantRan: []int{20}, wantVer: 20, wantErr: errBoom, errSubstr: "migration 30 (step 3)"},
		{name: "newer schema", first: 3, second: 2, wantVer: 30,
			wantErr: ErrNewerSchema, errSubstr: "state file was written by a newer SellerDesk (schema 30 > 20)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.first > 0 {
				s, err := Open(context.Background(), dir, withMigrations((&recorder{}).migrations(tt.first, 0)))
				if err != nil {
					t.Fatal(err)
				}
				_ = s.Close()
			}

			r := &recorder{}
			s, err := Open(context.Background(), dir, withMigrations(r.migrations(tt.second, tt.failAt)))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !strings.Contains(fmt.Sprint(err), tt.errSubstr) {
					t.Fatalf("Open error = %v, want %v containing %q", err, tt.wantErr, tt.errSubstr)
				}
			} else if err != nil {
				t.Fatalf("Open: %v", err)
			} else {
				_ = s.Close()
			}
			if !slices.Equal(r.ran, tt.wantRan) {
				t.Errorf("ran %v, want %v", r.ran, tt.wantRan)
			}

			// Inspect with migrations that are all already applied.
			s = openT(t, dir, withMigrations((&recorder{}).migrations(max(tt.first, tt.second), 0)[:tt.wantVer/10]))
			if v, err := s.SchemaVersion(); err != nil || v != tt.wantVer {
				t.Errorf("SchemaVersion() = %d, %v; want %d", v, err, tt.wantVer)
			}
			// The failed migration's write was rolled back with it.
			var want []string
			for v := 10; v <= tt.wantVer; v += 10 {
				want = append(want, fmt.Sprintf("%03d", v))
			}
			if got := logKeys(t, s); !slices.Equal(got, want) {
				t.Errorf("log keys %v, want %v", got, want)
			}
		})
	}
}

func TestSchemaVersionBigEndian(t *testing.T) {
	dir := t.TempDir()
	db, err := bbolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucket([]byte(metaBucket))
		if err != nil {
			return err
		}
		return b.Put([]byte(schemaVersionKey), []byte{0, 0, 0, 0, 0, 0, 0, 2})
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Close()

	r := &recorder{}
	s := openT(t, dir, withMigrations(r.migrations(3, 0)[1:])) // versions 20, 30
	if !slices.Equal(r.ran, []int{20, 30}) {
		t.Errorf("ran %v, want [20 30] (stored version 2 is below 20)", r.ran)
	}
	if v, _ := s.SchemaVersion(); v != 30 {
		t.Errorf("SchemaVersion() = %d, want 30", v)
	}
}

func TestInvalidMigrationList(t *testing.T) {
	up := func(*bbolt.Tx) error { return nil }
	for name, ms := range map[string][]Migration{
		"zero version":   {{Version: 0, Name: "a", Up: up}},
		"not increasing": {{Version: 2, Name: "a", Up: up}, {Version: 2, Name: "b", Up: up}},
		"no Up":          {{Version: 1, Name: "a"}},
		"no name":        {{Version: 1, Up: up}},
	} {
		if _, err := Open(context.Background(), t.TempDir(), withMigrations(ms)); err == nil {
			t.Errorf("%s: Open succeeded", name)
		}
	}
}

func TestSecondOpenInSameProcessFailsFast(t *testing.T) {
	forBothChecks(t, "lock", testSecondOpenFailsFast)
}

func testSecondOpenFailsFast(t *testing.T) {
	dir := t.TempDir()
	first := openT(t, dir)

	const timeout = 200 * time.Millisecond
	start := time.Now()
	s, err := Open(context.Background(), dir, WithOpenTimeout(timeout))
	elapsed := time.Since(start)
	if err == nil {
		_ = s.Close()
		t.Fatal("second Open succeeded while the first is open")
	}
	if !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("err = %v, want ErrAlreadyRunning", err)
	}
	want := fmt.Sprintf("SellerDesk is already running (the state file %s is locked by another process)", first.Path())
	if err.Error() != want {
		t.Errorf("message = %q, want %q", err, want)
	}
	if elapsed < timeout/2 || elapsed > timeout+2*time.Second {
		t.Errorf("took %v with timeout %v", elapsed, timeout)
	}
	if first.Recovered() != nil {
		t.Error("lock contention must not be treated as corruption")
	}

	// Once released, the file opens again.
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	openT(t, dir, WithOpenTimeout(timeout))
}

func TestOpenHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Open(ctx, t.TempDir()); !errors.Is(err, context.Canceled) {
		t.Errorf("Open with cancelled ctx = %v", err)
	}

	// A deadline shorter than the lock timeout bounds the wait.
	dir := t.TempDir()
	openT(t, dir)
	ctx, cancel = context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := Open(ctx, dir, WithOpenTimeout(10*time.Second)); !errors.Is(err, ErrAlreadyRunning) {
		t.Errorf("err = %v, want ErrAlreadyRunning", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Open waited %v despite a 100ms deadline", d)
	}
}

const helperDirEnv = "SELLERDESK_STORE_TEST_HOLD_DIR"

// TestHelperHoldOpen is not a test: TestLockedByOtherProcess runs the test
// binary again with only this function and helperDirEnv set, to hold the
// state file open from a second process until its stdin closes.
func TestHelperHoldOpen(t *testing.T) {
	dir := os.Getenv(helperDirEnv)
	if dir == "" {
		return // not a test of its own: only the helper process runs it
	}
	s, err := Open(context.Background(), dir)
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(2)
	}
	fmt.Println("READY")
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = s.Close()
	os.Exit(0)
}

func TestLockedByOtherProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldOpen$")
	cmd.Env = append(os.Environ(), helperDirEnv+"="+dir)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := false
	t.Cleanup(func() {
		if !exited {
			_ = stdin.Close()
			_ = cmd.Wait()
		}
	})

	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if l := sc.Text(); l == "READY" || strings.HasPrefix(l, "ERROR") {
				ready <- l
				break
			}
		}
		close(ready)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case l := <-ready:
		if l != "READY" {
			t.Fatalf("helper did not open the store: %q", l)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("helper never became ready")
	}

	start := time.Now()
	s, err := Open(context.Background(), dir, WithOpenTimeout(300*time.Millisecond))
	if err == nil {
		_ = s.Close()
		t.Fatal("Open succeeded while another process holds the file")
	}
	if !errors.Is(err, ErrAlreadyRunning) || !strings.Contains(err.Error(), "is locked by another process") {
		t.Fatalf("err = %v, want ErrAlreadyRunning", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Open took %v", d)
	}

	_ = stdin.Close()
	exited = true
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper: %v", err)
	}
	s = openT(t, dir, WithOpenTimeout(300*time.Millisecond))
	if s.Recovered() != nil {
		t.Errorf("Recovered() = %+v after a clean handover", s.Recovered())
	}
}

// fillDB writes enough varied data to span branch, leaf, overflow and
// inline-bucket pages, plus some freed pages.
func fillDB(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	s := openT(t, dir)
	for i := range 300 {
		v := map[string]any{"name": fmt.Sprintf("entity-%d", i), "blob": strings.Repeat("x", 200+i%700)}
		if err := s.Put(ctx, BucketCatalogEntities, fmt.Sprintf("e-%04d", i), v); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 300; i += 3 {
		if err := s.Delete(ctx, BucketCatalogEntities, fmt.Sprintf("e-%04d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Put(ctx, BucketStacks, "big", strings.Repeat("y", 3*os.Getpagesize())); err != nil {
		t.Fatal(err)
	}
	err := s.Update(ctx, func(tx *bbolt.Tx) error {
		jobs := tx.Bucket([]byte(BucketJobs))
		small, err := jobs.CreateBucket([]byte("inline"))
		if err != nil {
			return err
		}
		if err := small.Put([]byte("k"), []byte("v")); err != nil {
			return err
		}
		large, err := jobs.CreateBucket([]byte("nested"))
		if err != nil {
			return err
		}
		for i := range 500 {
			if err := large.Put(fmt.Appendf(nil, "n-%05d", i), bytes.Repeat([]byte{'z'}, 50)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestHealthyFilePassesVerification(t *testing.T) {
	dir := t.TempDir()
	fillDB(t, dir)
	s := openT(t, dir)
	if r := s.Recovered(); r != nil {
		t.Fatalf("healthy file judged damaged: %s", r.Reason)
	}
	n := 0
	if err := s.List(context.Background(), BucketCatalogEntities, "", func(string, []byte) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 200 {
		t.Errorf("listed %d entities, want 200", n)
	}
}

// One damaged meta page is normal bbolt wear (a torn write): bbolt falls
// back to the other one, and the store must not treat it as corruption.
func TestOneBadMetaPageIsNotCorruption(t *testing.T) {
	for _, page := range []int{0, 1} {
		forBothChecks(t, fmt.Sprintf("meta%d", page), func(t *testing.T) {
			dir := t.TempDir()
			fillDB(t, dir)
			path := filepath.Join(dir, FileName)
			data := readFile(t, path)
			ps := os.Getpagesize()
			copy(data[page*ps:(page+1)*ps], randomBytes(7, ps))
			writeFile(t, path, data)

			s := openT(t, dir)
			if r := s.Recovered(); r != nil {
				t.Fatalf("moved aside: %s", r.Reason)
			}
			var v map[string]any
			if ok, err := s.Get(context.Background(), BucketCatalogEntities, "e-0001", &v); !ok || err != nil {
				t.Errorf("Get = %v, %v", ok, err)
			}
		})
	}
}

var corruptName = regexp.MustCompile(`^state\.db\.corrupt-\d{8}T\d{6}Z$`)

func TestCorruptFileIsMovedAside(t *testing.T) {
	ps := os.Getpagesize()
	tests := []struct {
		name   string
		damage func(t *testing.T, path string) // nil file: write garbage
	}{
		{"short garbage", func(t *testing.T, path string) {
			writeFile(t, path, []byte("this is not a database\n"))
		}},
		{"random garbage", func(t *testing.T, path string) {
			writeFile(t, path, randomBytes(1, 64<<10))
		}},
		{"all zeros", func(t *testing.T, path string) {
			writeFile(t, path, make([]byte, 4*ps))
		}},
		{"valid db truncated to half", func(t *testing.T, path string) {
			fillDB(t, filepath.Dir(path))
			data := readFile(t, path)
			writeFile(t, path, data[:len(data)/2])
		}},
		{"valid db with both meta pages overwritten", func(t *testing.T, path string) {
			fillDB(t, filepath.Dir(path))
			data := readFile(t, path)
			copy(data, randomBytes(2, 2*ps))
			writeFile(t, path, data)
		}},
		{"valid db with data pages overwritten", func(t *testing.T, path string) {
			fillDB(t, filepath.Dir(path))
			data := readFile(t, path)
			copy(data[2*ps:], randomBytes(3, len(data)-2*ps))
			writeFile(t, path, data)
		}},
		{"valid db with data pages zeroed", func(t *testing.T, path string) {
			fillDB(t, filepath.Dir(path))
			data := readFile(t, path)
			clear(data[2*ps:])
			writeFile(t, path, data)
		}},
	}
	for _, tt := range tests {
		forBothChecks(t, tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			tt.damage(t, path)
			before := readFile(t, path)

			s := openT(t, dir)
			r := s.Recovered()
			if r == nil {
				t.Fatal("Recovered() = nil for a damaged file")
			}
			t.Logf("reason: %s", r.Reason)
			if r.Reason == "" {
				t.Error("empty Reason")
			}
			if filepath.Dir(r.MovedTo) != dir || !corruptName.MatchString(filepath.Base(r.MovedTo)) {
				t.Errorf("MovedTo = %q", r.MovedTo)
			}
			got := readFile(t, r.MovedTo)
			if !bytes.Equal(got, before) && (!skipPrecheck || runtime.GOOS != "windows" || !bytes.HasPrefix(got, before)) {
				// (bbolt.Open on Windows grows a short file; precheck prevents that.)
				t.Error("moved file's bytes differ from the damaged file")
			}

			ctx := context.Background()
			if err := s.Put(ctx, BucketSettings, "k", "v"); err != nil {
				t.Fatalf("fresh db unusable: %v", err)
			}
			var v string
			if ok, err := s.Get(ctx, BucketSettings, "k", &v); !ok || err != nil || v != "v" {
				t.Fatalf("Get = %q, %v, %v", v, ok, err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if s2 := openT(t, dir); s2.Recovered() != nil {
				t.Errorf("fresh file judged damaged on reopen: %+v", s2.Recovered())
			}
		})
	}
}

func TestCorruptMoveAsideNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	fixed := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	now := func(o *options) { o.now = func() time.Time { return fixed } }
	var moved []string
	for i := range 2 {
		writeFile(t, filepath.Join(dir, FileName), fmt.Appendf(nil, "garbage %d", i))
		s := openT(t, dir, now)
		moved = append(moved, s.Recovered().MovedTo)
		_ = s.Close()
	}
	want := filepath.Join(dir, "state.db.corrupt-20250304T050607Z")
	if moved[0] != want || moved[1] != want+"-1" {
		t.Errorf("moved to %q, want %q then %q-1", moved, want, want)
	}
	for i, m := range moved {
		if got := string(readFile(t, m)); got != fmt.Sprintf("garbage %d", i) {
			t.Errorf("%s holds %q", m, got)
		}
	}
}

// forBothChecks runs fn as subtest name twice: with the pre-open check,
// and without it to exercise the second line of defence after bbolt.Open.
func forBothChecks(t *testing.T, name string, fn func(t *testing.T)) {
	for _, skip := range []bool{false, true} {
		t.Run(fmt.Sprintf("%s/skipPrecheck=%v", name, skip), func(t *testing.T) {
			skipPrecheck = skip
			t.Cleanup(func() { skipPrecheck = false })
			fn(t)
		})
	}
}

// TestRandomDamageNeverCrashes flips bytes all over a valid file. Whatever
// happens, Open must return; a file it accepts must be fully readable.
func TestRandomDamageNeverCrashes(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	src := t.TempDir()
	fillDB(t, src)
	orig := readFile(t, filepath.Join(src, FileName))
	forBothChecks(t, "random", func(t *testing.T) { damageRandomly(t, orig) })
}

func damageRandomly(t *testing.T, orig []byte) {
	ps := os.Getpagesize()
	rng := rand.New(rand.NewPCG(42, 42))
	for i := range 160 {
		data := bytes.Clone(orig)
		switch i % 4 {
		case 0: // a few random bytes anywhere past the meta pages
			for range 1 + rng.IntN(8) {
				data[2*ps+rng.IntN(len(data)-2*ps)] = byte(rng.IntN(256))
			}
		case 1: // one whole page of garbage
			p := 2 + rng.IntN(len(data)/ps-2)
			copy(data[p*ps:(p+1)*ps], randomBytes(uint64(i), ps))
		case 2: // a page header scrambled
			p := 2 + rng.IntN(len(data)/ps-2)
			copy(data[p*ps:p*ps+16], randomBytes(uint64(i), 16))
		case 3: // a byte of one meta page
			data[rng.IntN(2)*ps+rng.IntN(80)] ^= byte(1 + rng.IntN(255))
		}
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, FileName), data)
		s, err := Open(context.Background(), dir)
		if err != nil {
			t.Fatalf("iteration %d: Open: %v", i, err)
		}
		if s.Recovered() == nil {
			// Accepted: every value must read back without trouble.
			err := s.View(context.Background(), func(tx *bbolt.Tx) error {
				return tx.ForEach(func(_ []byte, b *bbolt.Bucket) error { return walkBucket(b) })
			})
			if err != nil {
				t.Errorf("iteration %d: accepted file unreadable: %v", i, err)
			}
		}
		_ = s.Close()
	}
}

func walkBucket(b *bbolt.Bucket) error {
	return b.ForEach(func(k, v []byte) error {
		if v == nil {
			return walkBucket(b.Bucket(k))
		}
		return nil
	})
}

func TestKV(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir())

	for _, k := range []string{"b/2", "a/1", "b/1", "b/10", "c"} {
		if err := s.Put(ctx, BucketTiles, k, map[string]string{"id": k}); err != nil {
			t.Fatal(err)
		}
	}
	var keys []string
	err := s.List(ctx, BucketTiles, "b/", func(k string, raw []byte) error {
		keys = append(keys, k)
		if !bytes.Contains(raw, []byte(k)) {
			t.Errorf("raw for %s = %s", k, raw)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"b/1", "b/10", "b/2"}; !slices.Equal(keys, want) {
		t.Errorf("List keys = %v, want %v", keys, want)
	}

	stop := errors.New("stop")
	n := 0
	err = s.List(ctx, BucketTiles, "", func(string, []byte) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("List with failing fn: err=%v calls=%d", err, n)
	}

	if err := s.Delete(ctx, BucketTiles, "c"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, BucketTiles, "never-existed"); err != nil {
		t.Errorf("Delete of absent key: %v", err)
	}
	var m map[string]string
	if found, err := s.Get(ctx, BucketTiles, "c", &m); found || err != nil {
		t.Errorf("Get deleted key: found=%v err=%v", found, err)
	}

	if found, err := s.Get(ctx, BucketTiles, "a/1", new(int)); found || err == nil || !strings.Contains(err.Error(), "store: get tiles/a/1: decode") {
		t.Errorf("Get into wrong type: found=%v err=%v", found, err)
	}
}

func TestKVErrors(t *testing.T) {
	s := openT(t, t.TempDir())
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	ctx := context.Background()
	noop := func(string, []byte) error { return nil }
	txNoop := func(*bbolt.Tx) error { return nil }

	tests := []struct {
		name    string
		call    func() error
		wantIs  error
		wantMsg string
	}{
		{"put unknown bucket", func() error { return s.Put(ctx, "nope", "k", 1) }, ErrUnknownBucket, `store: put nope/k: unknown bucket "nope"`},
		{"get unknown bucket", func() error { _, err := s.Get(ctx, "nope", "k", new(int)); return err }, ErrUnknownBucket, "store: get nope/k"},
		{"delete unknown bucket", func() error { return s.Delete(ctx, "nope", "k") }, ErrUnknownBucket, "store: delete nope/k"},
		{"list unknown bucket", func() error { return s.List(ctx, "nope", "", noop) }, ErrUnknownBucket, "store: list nope/*"},
		{"meta is reserved", func() error { return s.Put(ctx, metaBucket, schemaVersionKey, 99) }, nil, "reserved"},
		{"unencodable", func() error { return s.Put(ctx, BucketSettings, "k", make(chan int)) }, nil, "store: put settings/k: encode"},
		{"empty key", func() error { return s.Put(ctx, BucketSettings, "", 1) }, nil, "store: put settings/"},
		{"put cancelled", func() error { return s.Put(cancelled, BucketSettings, "k", 1) }, context.Canceled, ""},
		{"get cancelled", func() error { _, err := s.Get(cancelled, BucketSettings, "k", new(int)); return err }, context.Canceled, ""},
		{"delete cancelled", func() error { return s.Delete(cancelled, BucketSettings, "k") }, context.Canceled, ""},
		{"list cancelled", func() error { return s.List(cancelled, BucketSettings, "", noop) }, context.Canceled, ""},
		{"update cancelled", func() error { return s.Update(cancelled, txNoop) }, context.Canceled, ""},
		{"view cancelled", func() error { return s.View(cancelled, txNoop) }, context.Canceled, ""},
		{"backup cancelled", func() error { return s.Backup(cancelled, filepath.Join(t.TempDir(), "b")) }, context.Canceled, ""},
		{"update passes fn error", func() error { return s.Update(ctx, func(*bbolt.Tx) error { return errBoom }) }, errBoom, "store: update: boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if err == nil {
				t.Fatal("no error")
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("err = %v, want errors.Is %v", err, tt.wantIs)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %q, want it to contain %q", err, tt.wantMsg)
			}
		})
	}
	if v, _ := s.SchemaVersion(); v != 1 {
		t.Errorf("schema version changed to %d", v)
	}
}

func TestUpdateAtomicWithTxHelpers(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir())
	err := s.Update(ctx, func(tx *bbolt.Tx) error {
		if err := PutTx(tx, BucketStacks, "a", 1); err != nil {
			return err
		}
		return PutTx(tx, BucketStacks, "b", map[string]string{"SessionToken": "x"})
	})
	if !errors.Is(err, ErrSecret) {
		t.Fatalf("err = %v, want ErrSecret", err)
	}
	if found, _ := s.Get(ctx, BucketStacks, "a", new(int)); found {
		t.Error("first write of a failed Update was kept")
	}
	err = s.Update(ctx, func(tx *bbolt.Tx) error { return PutTx(tx, BucketStacks, "a", 7) })
	if err != nil {
		t.Fatal(err)
	}
	var got int
	err = s.View(ctx, func(tx *bbolt.Tx) error {
		_, err := GetTx(tx, BucketStacks, "a", &got)
		return err
	})
	if err != nil || got != 7 {
		t.Errorf("GetTx = %d, %v", got, err)
	}
}

func TestBackup(t *testing.T) {
	ctx := context.Background()
	s := openT(t, t.TempDir())
	if err := s.Put(ctx, BucketIdentity, "account", "123456789012"); err != nil {
		t.Fatal(err)
	}
	bdir := t.TempDir()
	if err := s.Backup(ctx, filepath.Join(bdir, FileName)); err != nil {
		t.Fatal(err)
	}
	b := openT(t, bdir)
	var acct string
	if ok, err := b.Get(ctx, BucketIdentity, "account", &acct); !ok || err != nil || acct != "123456789012" {
		t.Errorf("backup Get = %q, %v, %v", acct, ok, err)
	}
	if b.Recovered() != nil {
		t.Error("backup judged damaged")
	}
}

func TestSecretGuard(t *testing.T) {
	const (
		exampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" // AWS docs example
		plusSecret    = "abcdEFGHijklMNOPqrstUVWXyz0123456789+abc"
	)
	type creds struct {
		AccessKeyID     string
		SecretAccessKey string
	}
	refuse := []struct {
		name string
		v    any
	}{
		{"secret_access_key field", map[string]string{"aws_secret_access_key": "x"}},
		{"SecretAccessKey struct field", creds{AccessKeyID: "AKIAIOSFODNN7EXAMPLE"}},
		{"secretAccessKey nested", map[string]any{"profile": map[string]any{"secretAccessKey": ""}}},
		{"SessionToken", map[string]any{"SessionToken": nil}},
		{"session_token in array", []any{1, map[string]int{"session_token": 1}}},
		{"password", map[string]string{"Password": "hunter2"}},
		{"db_password", map[string]string{"db_password": "hunter2"}},
		{"AccessKeySecret", map[string]string{"AccessKeySecret": "x"}},
		{"secret key value", map[string]string{"note": exampleSecret}},
		{"secret key value with plus", []string{plusSecret}},
		{"secret key bare string", exampleSecret},
		{"secret key padded", " " + exampleSecret + "\n"},
		{"session token IQoJ", map[string]string{"t": "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ"}},
		{"session token Fwo", "FwoGZXIvYXdzEBYaDKg8EXAMPLE"},
		{"secret as map key", map[string]int{exampleSecret: 1}},
	}
	pass := []struct {
		name string
		v    any
	}{
		{"account id", map[string]string{"accountId": "123456789012"}},
		{"account id number", 123456789012},
		{"role arn", "arn:aws:iam::123456789012:role/SellerDeskReadOnly"},
		{"product arn", map[string]string{"arn": "arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/SaaSProduct/prod-abc123"}},
		{"ordinary names", map[string]any{"name": "My SaaS Product", "tags": []string{"prod", "Billing"}}},
		{"40-char hex", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
		{"40-char mixed case without slash or plus", "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCd"},
		{"40 chars with slash but one case", "abcdefghij/klmnopqrstuvwxyz0123456789abc"},
		{"access key id", map[string]string{"accessKeyId": "AKIAIOSFODNN7EXAMPLE"}},
		{"password policy field", map[string]bool{"passwordLastUsed": true}},
		{"secret arn", "arn:aws:secretsmanager:us-east-1:123456789012:secret:MySecret-a1b2c3"},
		{"token-ish key", map[string]string{"nextToken": "eyJleGFtcGxlIjoidG9rZW4ifQ=="}},
		{"nil", nil},
	}
	ctx := context.Background()
	s := openT(t, t.TempDir())
	for _, tt := range refuse {
		t.Run("refuse/"+tt.name, func(t *testing.T) {
			err := s.Put(ctx, BucketSettings, "k", tt.v)
			if !errors.Is(err, ErrSecret) {
				t.Fatalf("Put = %v, want ErrSecret", err)
			}
			if strings.Contains(err.Error(), exampleSecret) || strings.Contains(err.Error(), "hunter2") ||
				strings.Contains(err.Error(), "IQoJ") || strings.Contains(err.Error(), "Fwo") {
				t.Errorf("error leaks the secret: %v", err)
			}
			if found, _ := s.Get(ctx, BucketSettings, "k", new(any)); found {
				t.Error("refused value was written")
			}
		})
	}
	for _, tt := range pass {
		t.Run("pass/"+tt.name, func(t *testing.T) {
			if err := s.Put(ctx, BucketSettings, "k", tt.v); err != nil {
				t.Fatalf("Put = %v", err)
			}
			_ = s.Delete(ctx, BucketSettings, "k")
		})
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}
