package store

import (
	"errors"
	"fmt"
	"testing"
)

func testStore(t *testing.T, s Store) {
	t.Helper()
	if err := s.Put(Rooms, "", []byte("x")); err == nil {
		t.Error("empty key accepted")
	}
	if err := s.Put("nope", "k", []byte("x")); err == nil {
		t.Error("unknown kind accepted")
	}
	for i := 0; i < 5; i++ {
		if err := s.Put(Sessions, fmt.Sprintf("s%d", i), []byte(fmt.Sprintf("script %d", i))); err != nil {
			t.Fatal(err)
		}
	}
	s.Put(Rooms, "ACDEFG", []byte(`{"code":"ACDEFG"}`))
	s.Put(Sessions, "s2", []byte("script 2 changed"))
	s.Delete(Sessions, "s4")
	s.Delete(Sessions, "absent")
	v, ok, err := s.Get(Sessions, "s2")
	if err != nil || !ok || string(v) != "script 2 changed" {
		t.Fatalf("get s2: %q %v %v", v, ok, err)
	}
	if _, ok, _ := s.Get(Sessions, "s4"); ok {
		t.Fatal("deleted record still there")
	}
	var keys []string
	if err := s.List(Sessions, func(k string, v []byte) error { keys = append(keys, k); return nil }); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(keys) != "[s0 s1 s2 s3]" {
		t.Fatalf("keys %v", keys)
	}
	stop := errors.New("stop")
	if err := s.List(Rooms, func(string, []byte) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("List does not pass fn's error: %v", err)
	}
}

func TestMem(t *testing.T) { testStore(t, NewMem()) }

func TestBolt(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	testStore(t, s)
}

// TestBoltRestart: what was written before Close is all there after a
// reopen, and a second process cannot open the same directory.
func TestBoltRestart(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for i := 0; i < 100; i++ {
		k, v := fmt.Sprintf("k%03d", i), fmt.Sprintf("cluster servers=3\npropose s1 V%d\n", i)
		s.Put(Sessions, k, []byte(v))
		want[k] = v
	}
	s.Put(Rooms, "ACDEFG", []byte("room"))
	if _, err := Open(dir); !errors.Is(err, ErrLocked) {
		t.Fatalf("second open of a held store: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := map[string]string{}
	s.List(Sessions, func(k string, v []byte) error { got[k] = string(v); return nil })
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after reopen: %d records, want %d", len(got), len(want))
	}
	if v, ok, _ := s.Get(Rooms, "ACDEFG"); !ok || string(v) != "room" {
		t.Fatal("room lost across reopen")
	}
}

func TestOpenBadDir(t *testing.T) {
	f := t.TempDir() + "/file"
	s, _ := Open(t.TempDir())
	s.Close()
	if err := writeFile(f); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(f); err == nil {
		t.Fatal("opened a store inside a regular file")
	}
}
