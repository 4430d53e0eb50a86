// Package store keeps what a paxviz server must not lose across a
// restart: every live session as its script (sandbox, lesson and room
// sessions) and every classroom room. A record is an opaque JSON blob
// under a key; the embedded implementation is one bbolt file.
//
// Several processes behind a router by room code would share one
// database behind the same interface (a key-value table in Postgres or
// etcd); nothing here depends on bbolt.
package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Kinds of records.
const (
	Sessions = "sessions"
	Rooms    = "rooms"
)

// Store is a durable map per kind from key to record.
type Store interface {
	// Put writes (or replaces) a record; it returns once durable.
	Put(kind, key string, val []byte) error
	// Get reads a record; ok is false when there is none.
	Get(kind, key string) (val []byte, ok bool, err error)
	// Delete removes a record (no error when absent).
	Delete(kind, key string) error
	// List calls fn for every record of kind in key order.
	List(kind string, fn func(key string, val []byte) error) error
	// Close flushes and releases the store.
	Close() error
}

// FileName is the store's file inside the data directory.
const FileName = "paxviz.db"

// ErrLocked means another process holds the store open.
var ErrLocked = errors.New("store: the data directory is in use by another paxviz process (use --data DIR for another one)")

// Bolt is the embedded Store: one bbolt file.
type Bolt struct {
	db *bolt.DB
}

// Open opens (creating) the store in dir. A second process opening the
// same dir fails within a second with ErrLocked instead of waiting.
func Open(dir string) (*Bolt, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("%w: %s", ErrLocked, path)
		}
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, k := range []string{Sessions, Rooms} {
			if _, err := tx.CreateBucketIfNotExists([]byte(k)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: %s: %w", path, err)
	}
	return &Bolt{db: db}, nil
}

// Path is the store's file.
func (b *Bolt) Path() string { return b.db.Path() }

func bucket(tx *bolt.Tx, kind string) (*bolt.Bucket, error) {
	bk := tx.Bucket([]byte(kind))
	if bk == nil {
		return nil, fmt.Errorf("store: unknown kind %q", kind)
	}
	return bk, nil
}

// Put implements Store.
func (b *Bolt) Put(kind, key string, val []byte) error {
	if key == "" {
		return errors.New("store: empty key")
	}
	return b.db.Update(func(tx *bolt.Tx) error {
		bk, err := bucket(tx, kind)
		if err != nil {
			return err
		}
		return bk.Put([]byte(key), val)
	})
}

// Get implements Store.
func (b *Bolt) Get(kind, key string) (val []byte, ok bool, err error) {
	err = b.db.View(func(tx *bolt.Tx) error {
		bk, err := bucket(tx, kind)
		if err != nil {
			return err
		}
		if v := bk.Get([]byte(key)); v != nil {
			val, ok = append([]byte(nil), v...), true
		}
		return nil
	})
	return val, ok, err
}

// Delete implements Store.
func (b *Bolt) Delete(kind, key string) error {
	return b.db.Update(func(tx *bolt.Tx) error {
		bk, err := bucket(tx, kind)
		if err != nil {
			return err
		}
		return bk.Delete([]byte(key))
	})
}

// List implements Store.
func (b *Bolt) List(kind string, fn func(key string, val []byte) error) error {
	return b.db.View(func(tx *bolt.Tx) error {
		bk, err := bucket(tx, kind)
		if err != nil {
			return err
		}
		return bk.ForEach(func(k, v []byte) error { return fn(string(k), append([]byte(nil), v...)) })
	})
}

// Close implements Store.
func (b *Bolt) Close() error { return b.db.Close() }

// Mem is an in-memory Store (tests, and `--data none`).
type Mem struct {
	mu sync.Mutex
	m  map[string]map[string][]byte
}

// NewMem returns an empty in-memory store.
func NewMem() *Mem { return &Mem{m: map[string]map[string][]byte{Sessions: {}, Rooms: {}}} }

// Put implements Store.
func (m *Mem) Put(kind, key string, val []byte) error {
	if key == "" {
		return errors.New("store: empty key")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	bk, ok := m.m[kind]
	if !ok {
		return fmt.Errorf("store: unknown kind %q", kind)
	}
	bk[key] = append([]byte(nil), val...)
	return nil
}

// Get implements Store.
func (m *Mem) Get(kind, key string) ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[kind][key]
	return append([]byte(nil), v...), ok, nil
}

// Delete implements Store.
func (m *Mem) Delete(kind, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m[kind], key)
	return nil
}

// List implements Store.
func (m *Mem) List(kind string, fn func(key string, val []byte) error) error {
	m.mu.Lock()
	keys := make([]string, 0, len(m.m[kind]))
	for k := range m.m[kind] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vals := make([][]byte, len(keys))
	for i, k := range keys {
		vals[i] = append([]byte(nil), m.m[kind][k]...)
	}
	m.mu.Unlock()
	for i, k := range keys {
		if err := fn(k, vals[i]); err != nil {
			return err
		}
	}
	return nil
}

// Close implements Store.
func (m *Mem) Close() error { return nil }

// DefaultDir is where `paxviz serve` keeps its store without --data: the
// user's cache directory (~/.cache/paxviz on Linux), or ./paxviz-data
// when there is none.
func DefaultDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "paxviz")
	}
	return "paxviz-data"
}
