package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"go.etcd.io/bbolt"
)

// Get decodes the JSON value at bucket/key into v. found is false (and v
// untouched) when the key is absent.
func (s *Store) Get(ctx context.Context, bucket, key string, v any) (found bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("store: get %s/%s: %w", bucket, key, err)
	}
	err = s.db.View(func(tx *bbolt.Tx) error {
		found, err = getTx(tx, bucket, key, v)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: get %s/%s: %w", bucket, key, err)
	}
	return found, nil
}

// Put stores v as JSON at bucket/key. It refuses (ErrSecret) values that
// contain AWS credentials or passwords; see checkSecrets.
func (s *Store) Put(ctx context.Context, bucket, key string, v any) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: put %s/%s: %w", bucket, key, err)
	}
	data, err := encode(v)
	if err != nil {
		return fmt.Errorf("store: put %s/%s: %w", bucket, key, err)
	}
	err = s.db.Update(func(tx *bbolt.Tx) error { return putRaw(tx, bucket, key, data) })
	if err != nil {
		return fmt.Errorf("store: put %s/%s: %w", bucket, key, err)
	}
	return nil
}

// Delete removes bucket/key; deleting an absent key is not an error.
func (s *Store) Delete(ctx context.Context, bucket, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: delete %s/%s: %w", bucket, key, err)
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b, err := lookup(tx, bucket)
		if err != nil {
			return err
		}
		return b.Delete([]byte(key))
	})
	if err != nil {
		return fmt.Errorf("store: delete %s/%s: %w", bucket, key, err)
	}
	return nil
}

// List calls fn for every key in bucket that starts with prefix, in key
// order, stopping at the first error fn returns. raw is the stored JSON and
// is the caller's to keep (it is copied out of the mmap).
func (s *Store) List(ctx context.Context, bucket, prefix string, fn func(key string, raw []byte) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: list %s/%s*: %w", bucket, prefix, err)
	}
	err := s.db.View(func(tx *bbolt.Tx) error {
		b, err := lookup(tx, bucket)
		if err != nil {
			return err
		}
		p := []byte(prefix)
		c := b.Cursor()
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			if v == nil { // nested bucket, not a value
				continue
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(string(k), bytes.Clone(v)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: list %s/%s*: %w", bucket, prefix, err)
	}
	return nil
}

// Update runs fn in a read-write transaction, for atomic multi-key work.
// Write values with PutTx so the secret guard still applies.
func (s *Store) Update(ctx context.Context, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: update: %w", err)
	}
	if err := s.db.Update(fn); err != nil {
		return fmt.Errorf("store: update: %w", err)
	}
	return nil
}

// View runs fn in a read-only transaction.
func (s *Store) View(ctx context.Context, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: view: %w", err)
	}
	if err := s.db.View(fn); err != nil {
		return fmt.Errorf("store: view: %w", err)
	}
	return nil
}

// GetTx is Get inside a transaction from View or Update.
func GetTx(tx *bbolt.Tx, bucket, key string, v any) (found bool, err error) {
	found, err = getTx(tx, bucket, key, v)
	if err != nil {
		return false, fmt.Errorf("store: get %s/%s: %w", bucket, key, err)
	}
	return found, nil
}

// PutTx is Put inside a transaction from Update, with the same secret guard.
func PutTx(tx *bbolt.Tx, bucket, key string, v any) error {
	data, err := encode(v)
	if err == nil {
		err = putRaw(tx, bucket, key, data)
	}
	if err != nil {
		return fmt.Errorf("store: put %s/%s: %w", bucket, key, err)
	}
	return nil
}

func getTx(tx *bbolt.Tx, bucket, key string, v any) (bool, error) {
	b, err := lookup(tx, bucket)
	if err != nil {
		return false, err
	}
	raw := b.Get([]byte(key))
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("decode: %w", err)
	}
	return true, nil
}

func encode(v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	if err := checkSecrets(data); err != nil {
		return nil, err
	}
	return redactEmbedded(data)
}

func putRaw(tx *bbolt.Tx, bucket, key string, data []byte) error {
	b, err := lookup(tx, bucket)
	if err != nil {
		return err
	}
	return b.Put([]byte(key), data)
}

// lookup finds a top-level bucket. Buckets are created only by migrations,
// so a missing one is a typo or a missing migration, never "empty".
func lookup(tx *bbolt.Tx, name string) (*bbolt.Bucket, error) {
	if name == metaBucket {
		return nil, fmt.Errorf("bucket %q is reserved for the store's own bookkeeping", name)
	}
	b := tx.Bucket([]byte(name))
	if b == nil {
		return nil, fmt.Errorf("%w %q (no migration creates it)", ErrUnknownBucket, name)
	}
	return b, nil
}
