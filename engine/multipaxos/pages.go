package multipaxos

// Pages is a slot-indexed log (element i is slot i+1) kept in pages of
// PageLen elements, so that a log growing for a whole run is never copied
// to grow: a contiguous slice doubling its capacity moves (and, its
// elements holding strings, write-barriers and rescans) everything it
// holds, which made the cost of an event grow with the length of the run.
// The first page grows like a slice, so a short log (every scenario, every
// state of a model-checking search) costs one allocation, as a slice does.
// The zero Pages is empty.
type Pages[T any] struct {
	head []T   // elements 0..PageLen-1
	tail [][]T // the later pages; each full but the last
	n    int
}

// PageLen is the number of elements in one page (a power of two).
const PageLen = 1 << pageShift

const pageShift = 10

// Len returns the number of elements.
func (p *Pages[T]) Len() int { return p.n }

// At returns element i, 0 <= i < Len().
func (p *Pages[T]) At(i int) *T {
	if i < PageLen {
		return &p.head[i]
	}
	i -= PageLen
	return &p.tail[i>>pageShift][i&(PageLen-1)]
}

// Grow extends p with zero elements to length n (no-op if it is longer).
func (p *Pages[T]) Grow(n int) {
	for p.n < n {
		if p.n < PageLen {
			k := min(n, PageLen)
			if k > cap(p.head) {
				h := make([]T, p.n, min(max(k, 2*cap(p.head), 16), PageLen))
				copy(h, p.head)
				p.head = h
			}
			p.head = p.head[:k]
			clear(p.head[p.n:k])
			p.n = k
			continue
		}
		j := (p.n - PageLen) >> pageShift
		off := (p.n - PageLen) & (PageLen - 1)
		if off == 0 && j == len(p.tail) {
			p.tail = append(p.tail, make([]T, 0, PageLen))
		}
		pg := p.tail[j]
		k := min(off+n-p.n, PageLen)
		if k > cap(pg) {
			// A cloned last page has only its length's capacity.
			q := make([]T, off, PageLen)
			copy(q, pg)
			pg = q
		}
		pg = pg[:k]
		clear(pg[off:k])
		p.tail[j] = pg
		p.n += k - off
	}
}

// Clone returns a deep copy of p.
func (p *Pages[T]) Clone() Pages[T] {
	c := Pages[T]{head: cloneSlice(p.head), n: p.n}
	if p.tail != nil {
		c.tail = make([][]T, len(p.tail))
		for i, pg := range p.tail {
			c.tail[i] = cloneSlice(pg)
		}
	}
	return c
}

// Slice returns a copy of the elements as one slice (tests, views).
func (p *Pages[T]) Slice() []T {
	out := make([]T, 0, p.n)
	out = append(out, p.head...)
	for _, pg := range p.tail {
		out = append(out, pg...)
	}
	return out
}

// appendOf appends xs to p (tests).
func appendOf[T any](p *Pages[T], xs ...T) {
	n := p.n
	p.Grow(n + len(xs))
	for i, x := range xs {
		*p.At(n + i) = x
	}
}
