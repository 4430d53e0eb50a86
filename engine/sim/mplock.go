package sim

import (
	"fmt"
	"strconv"
	"strings"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
)

// The lock service's script forms (multipaxos.md §2, §3.2), with app=lock:
//
//	acquire C L [to=S] | renew C L [to=S] | release C L [to=S]
//	write C K V                 # store V under K at d1 with C's token for lock K
//	expect lease C L yes|no     # C believes, on its own clock, that it holds L
//	expect stored K V [max=T]   # d1's value of K (nil: none) and its max token
//
// renew and release send the token the client was granted for L (a script
// error when it has none); write is a script error unless the client
// believes it holds lock K, and sends d1 a store with that token. Each
// form is one step, as a request line is.

// parseApp reads app=kv|lock.
func (c *MPCluster) parseApp(v string) error {
	switch v {
	case "kv":
		c.Lock = false
	case "lock":
		c.Lock = true
	default:
		return fmt.Errorf("cluster: app=%s: the applications are kv and lock", v)
	}
	return nil
}

// checkApp settles ttl= once the whole line is read.
func (c *MPCluster) checkApp(ttlSeen bool) error {
	switch {
	case !c.Lock && ttlSeen:
		return fmt.Errorf("cluster: ttl= is the lock lease of app=lock")
	case c.Lock && !ttlSeen:
		c.TTL = mp.DefaultTTL
	}
	return nil
}

// lockForm parses acquire, renew, release and write.
func (p *mpParser) lockForm(st Stmt, f *mpForm, words []string) (Stmt, bool, error) {
	if !p.cfg.Lock {
		return st, true, p.errf("the lock service needs app=lock in the cluster line")
	}
	st.Action = &Action{Kind: ActProto}
	f.lock, f.to = true, mp.None
	args := words[1:]
	if words[0] == "write" {
		if len(args) != 3 {
			return st, true, p.errf("usage: write C K V (K names the lock whose token the store carries)")
		}
		var err error
		if f.node, err = p.node(args[0], "client"); err != nil {
			return st, true, err
		}
		if f.op, err = mp.NewOp("put", args[1:]...); err != nil {
			return st, true, p.errf("%v", err)
		}
		return st, true, nil
	}
	if n := len(args); n > 0 && strings.HasPrefix(args[n-1], "to=") {
		to, err := p.node(strings.TrimPrefix(args[n-1], "to="), "server")
		if err != nil {
			return st, true, err
		}
		f.to = mp.NodeID(to)
		args = args[:n-1]
	}
	if len(args) != 2 {
		return st, true, p.errf("usage: %s C L [to=S]", words[0])
	}
	var err error
	if f.node, err = p.node(args[0], "client"); err != nil {
		return st, true, err
	}
	if f.op, err = mp.NewOp("acquire", args[1]); err != nil {
		return st, true, p.errf("%v", err)
	}
	f.op.Op = map[string]mp.Op{"acquire": mp.OpAcquire, "renew": mp.OpRenew, "release": mp.OpRelease}[words[0]]
	return st, true, nil
}

// expectLock parses `expect lease C L yes|no` and `expect stored K V
// [max=T]`.
func (p *mpParser) expectLock(e *mpExpect, args []string) (*mpExpect, error) {
	if !p.cfg.Lock {
		return nil, p.errf("the lock service needs app=lock in the cluster line")
	}
	if e.what == "lease" {
		if args[2] != "yes" && args[2] != "no" {
			return nil, p.errf("usage: expect lease C L yes|no")
		}
		var err error
		if e.node, err = p.node(args[0], "client"); err != nil {
			return nil, err
		}
		e.words = args[1:]
		return e, nil
	}
	e.n = -1
	if n := len(args); n == 3 && strings.HasPrefix(args[2], "max=") {
		t, err := strconv.Atoi(strings.TrimPrefix(args[2], "max="))
		if err != nil || t < 0 || t > mp.MaxSlot {
			return nil, p.errf("bad token %q", args[2])
		}
		e.n = t
		args = args[:2]
	}
	if len(args) != 2 {
		return nil, p.errf("usage: expect stored K V|nil [max=T]")
	}
	e.words = args
	return e, nil
}

// evalLock checks `expect lease C L` and `expect stored`.
func (s *MPSim) evalLock(e *mpExpect) (bool, string) {
	cfg := s.p.cfg
	ls := s.p.st.Lock
	if e.what == "stored" {
		v, m := ls.Stored(e.words[0])
		desc := fmt.Sprintf("d1 has %s=%s (max token %d)", e.words[0], v, m)
		return v == e.words[1] && (e.n < 0 || int(m) == e.n), desc
	}
	id := mp.NodeID(e.node)
	clock := s.W.Clock(e.node)
	b := ls.Belief(cfg.ClientIndex(id), e.words[0])
	has := b.Token != 0 && clock < b.Until
	desc := fmt.Sprintf("%s's clock reads %s; ", cfg.Name(id), clockText(clock))
	if b.Token == 0 {
		desc += "it holds no token for " + e.words[0]
	} else {
		desc += fmt.Sprintf("its belief in %s (token %d) runs until %s", e.words[0], b.Token, mp.ClockText(b.Until))
	}
	return has == (e.words[1] == "yes"), desc
}

// applyLock performs a lock form as one step; an error leaves the state
// as it was.
func (s *MPSim) applyLock(text string, f *mpForm) error {
	w, p := s.W, s.p
	if w.Paused(f.node) {
		return fmt.Errorf("%s: %s is paused", text, p.Name(f.node))
	}
	w.Begin(Action{Kind: ActProto, Text: text})
	p.begin(w)
	p.out.Clock = w.Clock(f.node)
	var err error
	if f.op.Op == mp.OpPut {
		err = p.st.Write(p.cfg, mp.NodeID(f.node), f.op.Key, f.op.Val, &p.out)
	} else {
		err = p.st.LockRequest(p.cfg, mp.NodeID(f.node), f.op.Op, f.op.Key, f.to, &p.out)
	}
	if err != nil {
		p.out.Reset()
		w.Abort()
		return fmt.Errorf("%s: %v", text, strings.TrimPrefix(err.Error(), "multipaxos: "))
	}
	p.flush(f.node, w)
	w.Drain()
	w.End()
	return nil
}

// LockRequest makes client c invoke acquire, renew or release of lock as
// one step (the model checker's form of a script's `acquire C L`).
func (s *MPSim) LockRequest(c mp.NodeID, op mp.Op, lock string) error {
	f := mpForm{lock: true, node: int(c), to: mp.None, op: mp.Cmd{Op: op, Key: lock}}
	return s.applyLock(op.String()+" "+s.p.cfg.Name(c)+" "+lock, &f)
}

// Write makes client c store val under key at d1 as one step (a script's
// `write C K V`).
func (s *MPSim) Write(c mp.NodeID, key, val string) error {
	f := mpForm{lock: true, node: int(c), op: mp.Cmd{Op: mp.OpPut, Key: key, Val: val}}
	return s.applyLock("write "+s.p.cfg.Name(c)+" "+key+" "+val, &f)
}

// lockEndStep judges lease-exclusive for the clients' lock beliefs after
// every step (ticks included). A belief starts only when a reply is
// delivered — never inside a tick, where only timers fire — and ends as
// the client's clock runs on, so two beliefs that overlap at some instant
// of a tick already overlapped when the tick began: judging at every
// step's end judges every tick boundary and every instant.
func (p *mpProto) lockEndStep(w *World[mp.Message, Narration]) {
	clock := func(id mp.NodeID) int { return w.Clock(int(id)) }
	p.st.LockHolders(p.cfg, clock, func(lock string, holders []mp.NodeID) {
		if len(holders) < 2 {
			return
		}
		p.k.ObserveLockHolders(w.step, lock, holders)
		if w.Tracing() {
			for vs := p.k.Violations(); p.reported < len(vs); p.reported++ {
				w.Note(Narration{Key: "note.violation", Args: map[string]string{"v": vs[p.reported].Describe(p.cfg), "n": strconv.Itoa(len(holders))}})
			}
		}
	})
}

// describeData renders d1 for DescribeNode.
func (s *MPSim) describeData() string {
	var kv []string
	for _, d := range s.p.st.Lock.D1 {
		kv = append(kv, fmt.Sprintf("%s=%s/max=%d", d.Key, d.Val, d.Max))
	}
	return fmt.Sprintf("%-3s data      store={%s}", "d1", strings.Join(kv, ","))
}

// dataKV is d1's store for --json: value and max token per key.
func (s *MPSim) dataKV() map[string]string {
	m := map[string]string{}
	for _, d := range s.p.st.Lock.D1 {
		m[d.Key] = d.Val + " max=" + strconv.Itoa(int(d.Max))
	}
	return m
}

// beliefText renders a lock client's beliefs for DescribeNode: the lock,
// its token and when the belief ends on its clock (lapsed once past).
func (s *MPSim) beliefText(id int) string {
	ls := s.p.st.Lock
	if ls == nil {
		return ""
	}
	cl := ls.Clients[s.p.cfg.ClientIndex(mp.NodeID(id))-1]
	txt := ""
	for _, b := range cl.Beliefs {
		txt += fmt.Sprintf(" lock(%s)=tok:%d", b.Lock, b.Token)
		if s.W.Clock(id) < b.Until {
			txt += "<" + mp.ClockText(b.Until)
		} else {
			txt += " lapsed"
		}
	}
	return txt
}

// DefaultMPTTL is the lock lease of app=lock without ttl=, in ticks.
const DefaultMPTTL = mp.DefaultTTL

// WithApp returns c running application app: kv, or lock (the lock
// service with its data store d1, lock lease ttl ticks).
func (c MPCluster) WithApp(app string, ttl int) (MPCluster, error) {
	switch app {
	case "kv":
		c.Lock = false
	case "lock":
		c.Lock = true
	default:
		return c, fmt.Errorf("the applications are kv and lock, not %q", app)
	}
	c.TTL = ttl
	return c, nil
}

// WithReads returns c whose gets without via= take read path v: log,
// index or lease.
func (c MPCluster) WithReads(v string) (MPCluster, error) {
	r, err := mp.ParseVia(v)
	if err != nil {
		return c, err
	}
	c.Reads = r
	return c, nil
}
