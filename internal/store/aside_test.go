package store

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// TestMovedAsideListsWhatOpenMoved: the files Open moved aside are listed
// with the time in their names, oldest first; other files are not.
func TestMovedAsideListsWhatOpenMoved(t *testing.T) {
	dir := t.TempDir()
	if got, err := MovedAside(dir); err != nil || len(got) != 0 {
		t.Fatalf("empty folder: %v, %v", got, err)
	}
	times := []time.Time{
		time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC),
		time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC), // same second: -1 suffix
		time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
	}
	var want []string
	for i, at := range times {
		writeFile(t, filepath.Join(dir, FileName), fmt.Appendf(nil, "garbage %d", i))
		s := openT(t, dir, func(o *options) { o.now = func() time.Time { return at } })
		want = append(want, s.Recovered().MovedTo)
		_ = s.Close()
	}
	writeFile(t, filepath.Join(dir, FileName+".corrupt-notatime"), []byte("x"))
	writeFile(t, filepath.Join(dir, "other.txt"), []byte("x"))
	got, err := MovedAside(dir)
	if err != nil || len(got) != 3 {
		t.Fatalf("MovedAside = %+v, %v", got, err)
	}
	if got[0].Path != want[2] || !got[0].At.Equal(times[2]) || !got[2].At.Equal(times[0]) {
		t.Fatalf("MovedAside = %+v, want oldest (%s) first", got, want[2])
	}
}
