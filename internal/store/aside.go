package store

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// MovedFile is a damaged state file that Open moved aside.
type MovedFile struct {
	Path string
	At   time.Time // when it was moved (from its name: state.db.corrupt-<UTC time>)
}

// MovedAside lists the damaged state files Open moved aside in dir, oldest
// first: what a job ID the cache no longer knows may have been in.
func MovedAside(dir string) ([]MovedFile, error) {
	prefix := FileName + ".corrupt-"
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("store: list %s for damaged state files: %w", dir, err)
	}
	var out []MovedFile
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasPrefix(name, prefix) {
			continue
		}
		stamp := strings.TrimPrefix(name, prefix)
		if i := strings.IndexByte(stamp, '-'); i >= 0 {
			stamp = stamp[:i] // state.db.corrupt-<time>-2 when two were moved in one second
		}
		at, err := time.Parse("20060102T150405Z", stamp)
		if err != nil {
			continue // not one of ours
		}
		out = append(out, MovedFile{Path: filepath.Join(dir, name), At: at})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}
