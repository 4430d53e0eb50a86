package check

import (
	"encoding/binary"
	"math/bits"
)

// fp is a 128-bit fingerprint of a canonical state encoding. The engine
// search keeps fingerprints, not states (as TLC does, with 64 bits): two
// distinct states share a fingerprint with probability about n²/2¹²⁹ for n
// states, below 10⁻²⁰ for a billion states.
type fp struct{ lo, hi uint64 }

const (
	fpK0 = 0xa0761d6478bd642f
	fpK1 = 0xe7037ed1a0b428db
	fpK2 = 0x8ebc6af09c88c6e3
	fpK3 = 0x589965cc75374cc3
)

func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

// fingerprint hashes b in two independent lanes of multiply-fold mixing
// (in the style of wyhash). It is deterministic across runs and machines,
// unlike hash/maphash, so searches are reproducible.
func fingerprint(b []byte) fp {
	n := uint64(len(b))
	h1, h2 := fpK0^n, fpK1^(n<<7)
	for len(b) >= 8 {
		w := binary.LittleEndian.Uint64(b)
		h1 = mix(h1^w, fpK1)
		h2 = mix(h2^w^fpK3, fpK2)
		b = b[8:]
	}
	var t uint64
	for i := len(b) - 1; i >= 0; i-- {
		t = t<<8 | uint64(b[i])
	}
	h1 = mix(h1^t^fpK2, fpK1)
	h2 = mix(h2^t, fpK3)
	return fp{lo: mix(h1^fpK0, h2^fpK2), hi: mix(h2^fpK1, h1^fpK3)}
}

// fpSet is an open-addressing set of fingerprints, each mapped to the
// number of the state it fingerprints. The table holds state numbers + 1
// (0 is empty) and the fingerprints live in fps, indexed by state number,
// so a state costs 16 bytes plus about 8 bytes of table.
type fpSet struct {
	table []uint32
	fps   []fp
}

func newFPSet() *fpSet { return &fpSet{table: make([]uint32, 1<<12)} }

// insert adds f as state number len(fps) unless present; it returns the
// state's number and whether it was new.
func (s *fpSet) insert(f fp) (uint32, bool) {
	if 2*(len(s.fps)+1) > len(s.table) {
		s.grow()
	}
	mask := uint64(len(s.table) - 1)
	for i := f.lo & mask; ; i = (i + 1) & mask {
		e := s.table[i]
		if e == 0 {
			id := uint32(len(s.fps))
			s.fps = append(s.fps, f)
			s.table[i] = id + 1
			return id, true
		}
		if s.fps[e-1] == f {
			return e - 1, false
		}
	}
}

func (s *fpSet) grow() {
	t := make([]uint32, 2*len(s.table))
	mask := uint64(len(t) - 1)
	for _, e := range s.table {
		if e == 0 {
			continue
		}
		for i := s.fps[e-1].lo & mask; ; i = (i + 1) & mask {
			if t[i] == 0 {
				t[i] = e
				break
			}
		}
	}
	s.table = t
}

// bytes returns the memory the set holds.
func (s *fpSet) bytes() int64 {
	return int64(cap(s.table))*4 + int64(cap(s.fps))*16
}
