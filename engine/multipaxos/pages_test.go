package multipaxos

import "testing"

// TestPages: a Pages reads back what was written at every index across
// page boundaries, grows with zero elements, never moves an element once
// its page is full, and clones deeply (a clone's last page grows on its
// own).
func TestPages(t *testing.T) {
	var p Pages[int]
	const n = 3*PageLen + 17
	var first *int
	for i := range n {
		p.Grow(i + 1)
		if p.Len() != i+1 || *p.At(i) != 0 {
			t.Fatalf("grown to %d: len %d, element %d", i+1, p.Len(), *p.At(i))
		}
		*p.At(i) = i + 1
		if i == PageLen {
			first = p.At(PageLen)
		}
	}
	p.Grow(5) // shorter: nothing changes
	for i := range n {
		if *p.At(i) != i+1 {
			t.Fatalf("element %d reads %d", i, *p.At(i))
		}
	}
	if p.At(PageLen) != first {
		t.Fatal("an element of a full page moved")
	}
	c := p.Clone()
	c.Grow(n + PageLen)
	*c.At(0), *c.At(n - 1), *c.At(n) = -1, -2, -3
	if *p.At(0) != 1 || *p.At(n - 1) != n || p.Len() != n {
		t.Fatal("writing to the clone changed the original")
	}
	if *c.At(1) != 2 || *c.At(n) != -3 || *c.At(n + 1) != 0 || c.Len() != n+PageLen {
		t.Fatal("the clone does not read back")
	}
	if s := p.Slice(); len(s) != n || s[PageLen] != PageLen+1 || s[n-1] != n {
		t.Fatal("Slice does not list the elements in order")
	}
	p.Grow(2 * n) // a jump over several pages at once
	if p.Len() != 2*n || *p.At(2*n - 1) != 0 || *p.At(n - 1) != n {
		t.Fatal("a jump over pages went wrong")
	}
}
