package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"go.etcd.io/bbolt"
)

// Why the store checks files itself before and after bbolt.Open:
//
// bbolt trusts its file. It mmaps it and follows page ids and element
// offsets without bounds checks, so a damaged file can fault (SIGBUS past the
// end of a truncated file) or panic inside bbolt.Open, and a fault in the
// goroutine tx.Check starts cannot be recovered at all. On Windows bbolt.Open
// also grows a short file to its mmap size, altering the evidence. So the
// store first walks the file with plain bounds-checked reads (checkFile),
// under the same lock bbolt uses, and only hands bbolt a file that passed.
// tx.Check then runs as bbolt's own, deeper consistency check.

// bbolt's on-disk layout (go.etcd.io/bbolt/internal/common), native byte
// order. Only what the checks below need.
const (
	pageHeaderSize   = 16 // id u64, flags u16, count u16, overflow u32
	elementSize      = 16 // branch: pos, ksize u32, pgid u64; leaf: flags, pos, ksize, vsize u32
	bucketHeaderSize = 16 // root pgid u64, sequence u64
	metaSize         = 64 // magic, version, pageSize, flags u32; root bucket; freelist, pgid, txid, checksum u64

	branchPageFlag   = 0x01
	leafPageFlag     = 0x02
	freelistPageFlag = 0x10
	bucketLeafFlag   = 0x01

	boltMagic     = 0xED0CDAED
	boltVersion   = 2
	noFreelist    = ^uint64(0)
	maxCheckNotes = 5
)

var ne = binary.NativeEndian

var (
	errLocked          = errors.New("file is locked")
	errLockUnsupported = errors.New("file locking not supported here")
)

// skipPrecheck lets tests exercise the checks made after bbolt.Open.
var skipPrecheck = false

// meta is the meta page bbolt will use: the valid one with the highest txid.
type meta struct {
	pageSize, root, freelist, hwm, txid uint64
}

// parseMeta decodes a meta page (header included) and checks its magic,
// version and checksum like bbolt's Meta.Validate.
func parseMeta(page []byte) (meta, error) {
	if len(page) < pageHeaderSize+metaSize {
		return meta{}, errors.New("short meta page")
	}
	m := page[pageHeaderSize:]
	h := fnv.New64a()
	h.Write(m[:56])
	switch {
	case ne.Uint32(m[0:]) != boltMagic:
		return meta{}, errors.New("not a bbolt meta page")
	case ne.Uint32(m[4:]) != boltVersion:
		return meta{}, fmt.Errorf("bbolt format version %d", ne.Uint32(m[4:]))
	case ne.Uint64(m[56:]) != h.Sum64():
		return meta{}, errors.New("meta page checksum mismatch")
	}
	return meta{
		pageSize: uint64(ne.Uint32(m[8:])),
		root:     ne.Uint64(m[16:]),
		freelist: ne.Uint64(m[32:]),
		hwm:      ne.Uint64(m[40:]),
		txid:     ne.Uint64(m[48:]),
	}, nil
}

func readMetaAt(r io.ReaderAt, off int64) (meta, error) {
	buf := make([]byte, pageHeaderSize+metaSize)
	if _, err := r.ReadAt(buf, off); err != nil {
		return meta{}, err
	}
	return parseMeta(buf)
}

// readMeta finds the meta page bbolt would use, mirroring bbolt's
// getPageSize (page size from meta 0, else probe for meta 1) and DB.meta.
func readMeta(r io.ReaderAt, size int64) (meta, error) {
	m0, err0 := readMetaAt(r, 0)
	pageSize := m0.pageSize
	if err0 != nil {
		for i := range 15 { // bbolt probes 1KiB..16MiB
			pos := int64(1024) << i
			if pos >= size-1024 {
				break
			}
			if m, err := readMetaAt(r, pos); err == nil {
				pageSize = m.pageSize
				break
			}
		}
	}
	if pageSize < 1024 || pageSize > 1<<24 {
		if err0 == nil {
			return meta{}, fmt.Errorf("unsupported page size %d", pageSize)
		}
		return meta{}, fmt.Errorf("not a valid bbolt file (no valid meta page; page 0: %w)", err0)
	}
	m1, err1 := readMetaAt(r, int64(pageSize))
	var m meta
	switch {
	case err0 == nil && err1 == nil:
		m = m0
		if m1.txid > m0.txid {
			m = m1
		}
	case err0 == nil:
		m = m0
	case err1 == nil:
		m = m1
	default:
		return meta{}, fmt.Errorf("not a valid bbolt file (meta page 0: %w; meta page 1: %w)", err0, err1)
	}
	if m.pageSize != pageSize {
		return meta{}, fmt.Errorf("meta pages disagree on page size (%d, %d)", pageSize, m.pageSize)
	}
	return m, nil
}

// checkFile checks everything bbolt will dereference: meta pages, file
// length, freelist page, and every page and element reachable from the root.
func checkFile(r io.ReaderAt, size int64) (meta, error) {
	if size < 2*1024 {
		return meta{}, fmt.Errorf("file is too small to be a state file (%d bytes)", size)
	}
	m, err := readMeta(r, size)
	if err != nil {
		return meta{}, err
	}
	if m.hwm < 2 || m.hwm > uint64(size)/m.pageSize {
		return meta{}, fmt.Errorf("file is truncated: %d bytes, but its %d pages of %d bytes need %d", size, m.hwm, m.pageSize, m.hwm*m.pageSize)
	}
	sc := &scanner{r: r, pageSize: m.pageSize, hwm: m.hwm, seen: map[uint64]bool{}}
	if m.freelist != noFreelist {
		if err := sc.checkFreelist(m.freelist); err != nil {
			return meta{}, err
		}
	}
	if err := sc.walk(m.root); err != nil {
		return meta{}, err
	}
	return m, nil
}

// precheck judges an existing state file before bbolt maps it, holding
// bbolt's own lock so it never judges a file another process is writing.
// It returns the meta it checked (nil if it checked nothing), or damage.
func precheck(path string, deadline time.Time) (*meta, *damaged, error) {
	if skipPrecheck {
		return nil, nil, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil // bbolt will create it
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	defer f.Close()
	for {
		err = lockFile(f)
		if !errors.Is(err, errLocked) || !time.Now().Before(deadline) {
			break
		}
		time.Sleep(min(50*time.Millisecond, time.Until(deadline)))
	}
	switch {
	case errors.Is(err, errLocked):
		return nil, nil, &alreadyRunningError{path: path, cause: err}
	case errors.Is(err, errLockUnsupported):
		return nil, nil, nil // verifyOpen still checks everything
	case err != nil:
		return nil, nil, fmt.Errorf("store: lock %s: %w", path, err)
	}
	defer func() { _ = unlockFile(f) }() // closing f would release it too

	info, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("store: stat %s: %w", path, err)
	}
	if info.Size() == 0 {
		return nil, nil, nil // bbolt initialises an empty file
	}
	m, err := checkFile(f, info.Size())
	if err != nil {
		return nil, &damaged{reason: err.Error(), file: info}, nil
	}
	return &m, nil, nil
}

// verifyOpen checks a db bbolt opened and returns why it is damaged, or "".
// checked is what precheck verified; if the file moved on since (another
// process wrote between the two locks) or was never checked, it is
// re-walked before bbolt's tx.Check touches it.
func verifyOpen(db *bbolt.DB, f *os.File, checked *meta) string {
	var reason string
	err := db.View(func(tx *bbolt.Tx) error {
		if checked != nil && checked.txid == uint64(tx.ID()) {
			return nil
		}
		st, err := f.Stat()
		if err != nil {
			return err
		}
		if _, err := checkFile(f, st.Size()); err != nil {
			reason = err.Error()
		}
		return nil
	})
	if err != nil || reason != "" {
		return failReason(reason, err)
	}

	// A torn meta-page write (power loss mid-commit) leaves one bad meta
	// page. bbolt is built for that and uses the other, but tx.Check flags
	// it. bbolt alternates meta slots by txid, so one empty commit rewrites
	// the bad slot. Safe now: the tree and freelist passed checkFile.
	ps := int64(db.Info().PageSize)
	_, err0 := readMetaAt(f, 0)
	_, err1 := readMetaAt(f, ps)
	if err0 != nil || err1 != nil {
		if err := db.Update(func(*bbolt.Tx) error { return nil }); err != nil {
			return failReason("", fmt.Errorf("rewriting a torn meta page: %w", err))
		}
	}

	err = db.View(func(tx *bbolt.Tx) error {
		var notes []string
		n := 0
		for cerr := range tx.Check() { // drain fully: Check's goroutine blocks otherwise
			if n++; n <= maxCheckNotes {
				notes = append(notes, cerr.Error())
			}
		}
		if n > 0 {
			reason = fmt.Sprintf("consistency check found %d problem(s): %s", n, strings.Join(notes, "; "))
		}
		return nil
	})
	return failReason(reason, err)
}

func failReason(reason string, err error) string {
	if err != nil && reason == "" {
		return "reading the file failed: " + err.Error()
	}
	return reason
}

// scanner reads pages with ReadAt and checks every offset before use.
type scanner struct {
	r        io.ReaderAt
	pageSize uint64
	hwm      uint64 // pages [0, hwm) exist
	seen     map[uint64]bool
}

// page reads page id and its overflow pages, marking them seen.
func (s *scanner) page(id uint64) ([]byte, error) {
	if id < 2 || id >= s.hwm {
		return nil, fmt.Errorf("page %d: out of bounds (high water mark %d)", id, s.hwm)
	}
	hdr := make([]byte, pageHeaderSize)
	if _, err := s.r.ReadAt(hdr, int64(id*s.pageSize)); err != nil {
		return nil, fmt.Errorf("page %d: %w", id, err)
	}
	overflow := uint64(ne.Uint32(hdr[12:]))
	if overflow >= s.hwm-id {
		return nil, fmt.Errorf("page %d: overflow %d runs past high water mark %d", id, overflow, s.hwm)
	}
	for i := id; i <= id+overflow; i++ {
		if s.seen[i] {
			return nil, fmt.Errorf("page %d: referenced more than once", i)
		}
		s.seen[i] = true
	}
	buf := make([]byte, (overflow+1)*s.pageSize)
	if _, err := s.r.ReadAt(buf, int64(id*s.pageSize)); err != nil {
		return nil, fmt.Errorf("page %d: %w", id, err)
	}
	return buf, nil
}

func (s *scanner) checkFreelist(id uint64) error {
	buf, err := s.page(id)
	if err != nil {
		return fmt.Errorf("freelist: %w", err)
	}
	if f := ne.Uint16(buf[8:]); f != freelistPageFlag {
		return fmt.Errorf("freelist: page %d has type %#x", id, f)
	}
	count, start := uint64(ne.Uint16(buf[10:])), uint64(pageHeaderSize)
	if count == 0xFFFF { // the real count is stored in the first slot
		count, start = ne.Uint64(buf[pageHeaderSize:]), pageHeaderSize+8
	}
	if count > (uint64(len(buf))-start)/8 {
		return fmt.Errorf("freelist: page %d: %d ids do not fit", id, count)
	}
	for i := range count {
		if p := ne.Uint64(buf[start+8*i:]); p < 2 || p >= s.hwm {
			return fmt.Errorf("freelist: free page %d out of bounds (high water mark %d)", p, s.hwm)
		}
	}
	return nil
}

// walk checks the b-tree rooted at page id and every bucket below it.
func (s *scanner) walk(id uint64) error {
	buf, err := s.page(id)
	if err != nil {
		return err
	}
	return s.walkPage(id, buf)
}

// walkPage checks one page held in buf: a file page, or an inline bucket's
// page embedded in a leaf value.
func (s *scanner) walkPage(id uint64, buf []byte) error {
	if len(buf) < pageHeaderSize {
		return fmt.Errorf("page %d: inline page too short", id)
	}
	flags, count, size := ne.Uint16(buf[8:]), uint64(ne.Uint16(buf[10:])), uint64(len(buf))
	if flags != branchPageFlag && flags != leafPageFlag {
		return fmt.Errorf("page %d: unexpected page type %#x", id, flags)
	}
	if pageHeaderSize+count*elementSize > size {
		return fmt.Errorf("page %d: %d elements do not fit", id, count)
	}
	for i := range count {
		at := pageHeaderSize + i*elementSize
		e := buf[at : at+elementSize]
		if flags == branchPageFlag {
			pos, ksize := uint64(ne.Uint32(e[0:])), uint64(ne.Uint32(e[4:]))
			if at+pos+ksize > size {
				return fmt.Errorf("page %d: branch element %d points outside the page", id, i)
			}
			if err := s.walk(ne.Uint64(e[8:])); err != nil {
				return err
			}
			continue
		}
		eflags := ne.Uint32(e[0:])
		pos, ksize, vsize := uint64(ne.Uint32(e[4:])), uint64(ne.Uint32(e[8:])), uint64(ne.Uint32(e[12:]))
		end := at + pos + ksize + vsize
		if end > size {
			return fmt.Errorf("page %d: leaf element %d points outside the page", id, i)
		}
		if eflags&bucketLeafFlag == 0 {
			continue
		}
		v := buf[at+pos+ksize : end]
		if len(v) < bucketHeaderSize {
			return fmt.Errorf("page %d: bucket element %d too short", id, i)
		}
		var err error
		if root := ne.Uint64(v); root != 0 {
			err = s.walk(root)
		} else {
			err = s.walkPage(id, v[bucketHeaderSize:])
		}
		if err != nil {
			return err
		}
	}
	return nil
}
