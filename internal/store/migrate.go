package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"strconv"

	"go.etcd.io/bbolt"
)

// Internal bookkeeping; not usable through Get/Put.
const (
	metaBucket       = "meta"
	schemaVersionKey = "schema_version"
)

// Buckets created by schema version 1.
const (
	BucketSettings        = "settings"
	BucketIdentity        = "identity"
	BucketStacks          = "stacks"
	BucketStackEvents     = "stack_events"
	BucketTiles           = "tiles"
	BucketCatalogEntities = "catalog_entities"
	BucketCatalogTags     = "catalog_tags"
	BucketChangesets      = "changesets"
	BucketJobs            = "jobs"
)

// Migration moves the state file from Version-1 to Version. Up runs inside
// the same write transaction that records Version, so a migration either
// fully happens or not at all.
type Migration struct {
	Version int
	Name    string
	Up      func(tx *bbolt.Tx) error
}

// migrations is the schema history, oldest first. Append only: never edit or
// reorder a released migration, since users' files already ran it.
var migrations = []Migration{
	{Version: 1, Name: "create core buckets", Up: createBuckets(
		BucketSettings, BucketIdentity, BucketStacks, BucketStackEvents, BucketTiles,
		BucketCatalogEntities, BucketCatalogTags, BucketChangesets, BucketJobs,
	)},
}

func createBuckets(names ...string) func(*bbolt.Tx) error {
	return func(tx *bbolt.Tx) error {
		for _, n := range names {
			if _, err := tx.CreateBucketIfNotExists([]byte(n)); err != nil {
				return fmt.Errorf("create bucket %s: %w", n, err)
			}
		}
		return nil
	}
}

func validateMigrations(ms []Migration) error {
	prev := 0
	for i, m := range ms {
		if m.Version <= prev || m.Up == nil || m.Name == "" {
			return fmt.Errorf("store: migration #%d (version %d, %q) is invalid: versions must increase from 1 and each needs a name and Up", i, m.Version, m.Name)
		}
		prev = m.Version
	}
	return nil
}

// SchemaVersion returns the schema version recorded in the file (0 for a
// file no migration has touched).
func (s *Store) SchemaVersion() (int, error) {
	var v int
	err := s.db.View(func(tx *bbolt.Tx) error {
		var err error
		v, err = readSchemaVersion(tx)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: read schema version: %w", err)
	}
	return v, nil
}

// readSchemaVersion accepts a decimal string (what we write) or an 8-byte
// big-endian integer.
func readSchemaVersion(tx *bbolt.Tx) (int, error) {
	b := tx.Bucket([]byte(metaBucket))
	if b == nil {
		return 0, nil
	}
	raw := b.Get([]byte(schemaVersionKey))
	if raw == nil {
		return 0, nil
	}
	if n, err := strconv.Atoi(string(raw)); err == nil && n >= 0 {
		return n, nil
	}
	if len(raw) == 8 {
		if n := binary.BigEndian.Uint64(raw); n <= 1<<31 {
			return int(n), nil
		}
	}
	return 0, fmt.Errorf("unreadable %s %q", schemaVersionKey, raw)
}

func writeSchemaVersion(tx *bbolt.Tx, v int) error {
	b, err := tx.CreateBucketIfNotExists([]byte(metaBucket))
	if err != nil {
		return err
	}
	return b.Put([]byte(schemaVersionKey), []byte(strconv.Itoa(v)))
}

// migrate runs every migration above the stored version, in order, each in
// its own transaction, so a failure leaves the file at the last good version.
func (s *Store) migrate(ctx context.Context, ms []Migration) error {
	cur, err := s.SchemaVersion()
	if err != nil {
		return err
	}
	latest := 0
	if len(ms) > 0 {
		latest = ms[len(ms)-1].Version
	}
	if cur > latest {
		return &newerSchemaError{path: s.path, have: cur, want: latest}
	}
	for _, m := range ms {
		if m.Version <= cur {
			continue
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("store: migration %d (%s): %w", m.Version, m.Name, err)
		}
		err := s.db.Update(func(tx *bbolt.Tx) error {
			if err := m.Up(tx); err != nil {
				return err
			}
			return writeSchemaVersion(tx, m.Version)
		})
		if err != nil {
			return fmt.Errorf("store: migration %d (%s): %w", m.Version, m.Name, err)
		}
	}
	return nil
}

type newerSchemaError struct {
	path       string
	have, want int
}

func (e *newerSchemaError) Error() string {
	return fmt.Sprintf("state file was written by a newer SellerDesk (schema %d > %d); update SellerDesk, or move %s aside to start with an empty cache", e.have, e.want, e.path)
}

func (e *newerSchemaError) Is(target error) bool { return target == ErrNewerSchema }
