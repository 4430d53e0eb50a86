package sim

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
	"github.com/paxviz/paxviz/i18n"
)

// The Multi-Paxos part of the script language (multipaxos.md §2, §8): the
// cluster line, the protocol forms (put, get, cas; expect chosen s=,
// log, value, reply, leader, promised, vote) and the protocol's selector
// filters (b=, s=, id=, v=). The common forms (deliver, drop, dup, crash,
// restart, partition, heal, tick, run, timeout, expect
// safe|violation|inflight) parse into the same Action as for every
// protocol and run on the one World.

// MPCluster is a parsed `cluster multipaxos ...` line.
type MPCluster struct {
	Servers, Clients, Window, Timeout, Heartbeat int
	Leader                                       string // "" none
	Seed                                         uint64
	Bugs                                         mp.BugSet
	// Drift is drift=P (percent) and Lease lease=L (ticks); printed only
	// when set, so that the cluster lines of scripts without clocks stay
	// as they were.
	Drift, Lease int
	// Reads is reads=: the read path of a get without via= (printed
	// unless log).
	Reads mp.Via
	// Lock is app=lock with its ttl= (TTL; printed only with app=lock):
	// the lock service and its data store d1 (mplock.go).
	Lock bool
	TTL  int
}

// String renders c as a canonical cluster line.
func (c MPCluster) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "cluster multipaxos servers=%d clients=%d window=%d timeout=%d heartbeat=%d", c.Servers, c.Clients, c.Window, c.Timeout, c.Heartbeat)
	if c.Leader != "" {
		sb.WriteString(" leader=" + c.Leader)
	}
	if c.Lock {
		fmt.Fprintf(&sb, " app=lock ttl=%d", c.TTL)
	}
	if c.Reads != mp.ViaLog {
		sb.WriteString(" reads=" + c.Reads.String())
	}
	if c.Lease != 0 {
		fmt.Fprintf(&sb, " lease=%d", c.Lease)
	}
	if c.Drift != 0 {
		fmt.Fprintf(&sb, " drift=%d", c.Drift)
	}
	fmt.Fprintf(&sb, " seed=%d", c.Seed)
	if c.Bugs != 0 {
		sb.WriteString(" bugs=" + c.Bugs.String())
	}
	return sb.String()
}

// ParseMPCluster reads a `cluster multipaxos ...` line.
func ParseMPCluster(line string) (MPCluster, error) {
	words := strings.Fields(StripComment(line))
	if len(words) < 2 || words[0] != "cluster" || words[1] != "multipaxos" {
		return MPCluster{}, errors.New("cluster: a Multi-Paxos cluster line starts with cluster multipaxos")
	}
	c := MPCluster{Servers: mp.DefaultServers, Clients: mp.DefaultClients, Window: mp.DefaultWindow,
		Timeout: mp.DefaultTimeout, Heartbeat: mp.DefaultHeartbeat, Seed: DefaultSeed}
	seen := map[string]bool{}
	for _, w := range words[2:] {
		k, v, ok := strings.Cut(w, "=")
		if !ok || v == "" {
			return MPCluster{}, fmt.Errorf("cluster: %q is not key=value", w)
		}
		if seen[k] {
			return MPCluster{}, fmt.Errorf("cluster: %s= given twice", k)
		}
		seen[k] = true
		num := func(dst *int) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > MaxTimeoutTicks {
				return fmt.Errorf("cluster: %s=%s is not a whole number 0..%d", k, v, MaxTimeoutTicks)
			}
			*dst = n
			return nil
		}
		var err error
		switch k {
		case "servers":
			err = num(&c.Servers)
		case "clients":
			err = num(&c.Clients)
		case "window":
			err = num(&c.Window)
		case "timeout":
			err = num(&c.Timeout)
		case "heartbeat":
			err = num(&c.Heartbeat)
		case "drift":
			err = num(&c.Drift)
		case "lease":
			err = num(&c.Lease)
		case "leader":
			c.Leader = v
		case "seed":
			if c.Seed, err = strconv.ParseUint(v, 10, 64); err != nil {
				err = fmt.Errorf("cluster: seed=%s is not a whole number 0..2^64-1", v)
			}
		case "bugs":
			if c.Bugs, err = mp.ParseBugs(v); err != nil {
				err = fmt.Errorf("cluster: bugs: %v", err)
			}
		case "reads":
			if c.Reads, err = mp.ParseVia(v); err != nil {
				err = fmt.Errorf("cluster: reads=%s: the read paths are log, index and lease", v)
			}
		case "app":
			err = c.parseApp(v)
		case "ttl":
			err = num(&c.TTL)
		default:
			err = fmt.Errorf("cluster: unknown key %q (known: servers, clients, window, timeout, heartbeat, app, ttl, reads, lease, drift, leader, seed, bugs)", k)
		}
		if err != nil {
			return MPCluster{}, err
		}
	}
	if err := c.checkApp(seen["ttl"]); err != nil {
		return MPCluster{}, err
	}
	cfg, err := c.config()
	if err != nil {
		return MPCluster{}, fmt.Errorf("cluster: %v", err)
	}
	if c.Leader != "" {
		id, ok := cfg.Lookup(c.Leader)
		if !ok || !cfg.IsServer(id) {
			return MPCluster{}, fmt.Errorf("cluster: leader=%s is not a server (s1..s%d)", c.Leader, c.Servers)
		}
	}
	return c, nil
}

func (c MPCluster) config() (*mp.Config, error) {
	cfg, err := mp.NewConfig(c.Servers, c.Clients, c.Window, c.Timeout, c.Heartbeat, c.Bugs)
	if err != nil {
		return nil, err
	}
	if err := cfg.SetTime(c.Drift); err != nil {
		return nil, err
	}
	if err := cfg.SetLease(c.Lease); err != nil {
		return nil, err
	}
	if c.Lock {
		if err := cfg.SetLock(c.TTL); err != nil {
			return nil, err
		}
	}
	return cfg, nil
}

// MPSim is a Multi-Paxos cluster in the world.
type MPSim struct {
	W  *World[mp.Message, Narration]
	cl MPCluster
	p  *mpProto
}

// NewMP returns the initial state of cluster cl, which must be valid.
func NewMP(cl MPCluster) *MPSim {
	cfg, err := cl.config()
	if err != nil {
		panic(err) // ParseMPCluster validated it
	}
	leader := mp.None
	if cl.Leader != "" {
		leader, _ = cfg.Lookup(cl.Leader)
	}
	st, err := mp.NewState(cfg, leader)
	if err != nil {
		panic(err)
	}
	p := &mpProto{cfg: cfg, st: st, k: mp.NewChecker(cfg), replies: make([][]mpReply, cfg.Clients)}
	s := &MPSim{W: &World[mp.Message, Narration]{}, cl: cl, p: p}
	s.W.initWorld(p, cfg.Nodes(), int(mp.NumTimerKinds), cl.Seed)
	p.start(s.W)
	return s
}

// Clone returns an independent copy of s (without its Trace hook).
func (s *MPSim) Clone() *MPSim {
	p := s.p.clone()
	w := *s.W
	w.cloneWorld(p)
	return &MPSim{W: &w, cl: s.cl, p: p}
}

// Cluster returns the cluster line.
func (s *MPSim) Cluster() MPCluster { return s.cl }

// Config returns the protocol's configuration.
func (s *MPSim) Config() *mp.Config { return s.p.cfg }

// State returns the protocol state (do not modify).
func (s *MPSim) State() *mp.State { return &s.p.st }

// Checker returns the god's-eye checker (do not modify).
func (s *MPSim) Checker() *mp.Checker { return s.p.k }

// mpSel is a Multi-Paxos selector: #N, or TYPE [FROM->TO] with b=, s=,
// id=, v= filters.
type mpSel struct {
	ID       int
	Type     mp.MsgType
	From, To int
	B        mp.Ballot
	Slot     int32
	Req      mp.ReqID
	V        string
}

func (sel *mpSel) match(m *mp.Message) bool {
	if sel.ID > 0 {
		return m.ID == sel.ID
	}
	if sel.Type != mp.MsgNone && m.Type != sel.Type {
		return false
	}
	if sel.From >= 0 && int(m.From) != sel.From || sel.To >= 0 && int(m.To) != sel.To {
		return false
	}
	if !sel.B.IsZero() {
		switch m.Type {
		case mp.MsgPrepare, mp.MsgPromise, mp.MsgNack, mp.MsgAccept, mp.MsgAccepted, mp.MsgHeartbeat, mp.MsgHeartbeatOK:
			if m.Ballot != sel.B {
				return false
			}
		default:
			return false
		}
	}
	if sel.Slot != 0 {
		switch {
		case m.Type == mp.MsgAccept, m.Type == mp.MsgAccepted, m.Type == mp.MsgCommit,
			m.Type == mp.MsgNack && m.Rejects == mp.MsgAccept:
			if m.Slot != sel.Slot {
				return false
			}
		default:
			return false
		}
	}
	if !sel.Req.IsZero() {
		switch m.Type {
		case mp.MsgRequest:
			if m.Cmd.ID != sel.Req {
				return false
			}
		case mp.MsgReply:
			if m.Req != sel.Req {
				return false
			}
		default:
			return false
		}
	}
	if sel.V != "" {
		if m.Type != mp.MsgAccept && m.Type != mp.MsgCommit || !cmdMatches(m.Cmd, sel.V) {
			return false
		}
	}
	return true
}

// cmdMatches reports whether word names c: the whole command, its id
// alone, or noop.
func cmdMatches(c mp.Cmd, word string) bool {
	if c.IsZero() {
		return word == "none" || word == "_"
	}
	return word == c.String() || c.Op != mp.OpNoop && word == c.ID.String()
}

type mpExpect struct {
	what  string
	node  int
	slot  int32
	words []string
	b     mp.Ballot
	id    mp.ReqID
	n     int
}

// mpForm is a Multi-Paxos form's own part (Stmt.own): a client's request
// (put, get, cas), with lock set a lock service form (acquire, renew,
// release, write; mplock.go) or, with time set, pause, resume or clock
// (the node and the rate are in the Action).
type mpForm struct {
	op  mp.Cmd
	to  mp.NodeID
	via mp.Via
	// viaSet: via= was written (else a get takes the cluster's reads=).
	viaSet bool
	node   int
	time   bool
	// lock: a lock service form (acquire, renew, release, write; mplock.go).
	lock bool
}

// mpLang is Multi-Paxos's part of the script language: servers and
// clients, its message types and the filters b=, s=, id=, v=, put, get,
// cas, acquire, renew, release, write, pause, resume, clock, and the
// expectations chosen s=, log, value, reply, leader, promised, vote,
// clock, lease and stored.
type mpLang struct {
	cfg *mp.Config
}

func (l *mpLang) commands() string {
	return "put, get, cas, acquire, renew, release, write, deliver, drop, dup, timeout, tick, crash, restart, partition, heal, run, pause, resume, clock, expect"
}

func (l *mpLang) expectations() string {
	return "safe|violation|inflight|chosen|log|value|reply|leader|promised|vote|clock|lease|stored"
}

func (l *mpLang) invariants() []string { return mp.Invariants }

func (l *mpLang) selHelp() (string, string) {
	return "request, reply, prepare, promise, nack, accept, accepted, commit, heartbeat, heartbeat_ok", "b=, s=, id=, v="
}

func (l *mpLang) newSel() *Selector {
	return &Selector{From: Any, To: Any, own: &mpSel{From: -1, To: -1}}
}

func (l *mpLang) parser(p *cmdParser) *mpParser { return &mpParser{cfg: l.cfg, cmd: p.cmd} }

// node: only servers crash and restart; clients and servers time out.
func (l *mpLang) node(p *cmdParser, name string, use nodeUse) (int, error) {
	want := ""
	if use == useCrash {
		want = "server"
	}
	return l.parser(p).node(name, want)
}

func (l *mpLang) expect(p *cmdParser, what string, args []string) (*Expect, bool, error) {
	e, ok, err := l.parser(p).expect(what, args)
	if !ok || err != nil {
		return nil, ok, err
	}
	return &Expect{Kind: ExpProto, Node: -1, Name: what, own: e}, true, nil
}

type mpParser struct {
	cfg *mp.Config
	cmd string
}

func (p *mpParser) errf(format string, args ...any) error {
	return fmt.Errorf(p.cmd+": "+format, args...)
}

func (p *mpParser) nodeNames() string {
	s := fmt.Sprintf("s1..s%d", p.cfg.Servers)
	if p.cfg.Clients > 0 {
		s += fmt.Sprintf(", c1..c%d", p.cfg.Clients)
	}
	return s
}

func (p *mpParser) node(name string, want string) (int, error) {
	id, ok := p.cfg.Lookup(name)
	if !ok {
		return 0, p.errf("unknown node %q (this cluster has %s)", name, p.nodeNames())
	}
	switch {
	case want == "server" && !p.cfg.IsServer(id):
		return 0, p.errf("%s is not a server", name)
	case want == "client" && !p.cfg.IsClient(id):
		return 0, p.errf("%s is not a client", name)
	}
	return int(id), nil
}

// form parses the Multi-Paxos forms: put, get, cas, acquire, renew,
// release, write, pause, resume, clock.
func (l *mpLang) form(cp *cmdParser, words []string) (Stmt, bool, error) {
	cfg := l.cfg
	p := l.parser(cp)
	args := words[1:]
	f := &mpForm{to: mp.None}
	st := Stmt{own: f}
	var err error
	switch words[0] {
	case "acquire", "renew", "release", "write":
		return p.lockForm(st, f, words)
	case "put", "get", "cas":
		st.Action = &Action{Kind: ActProto}
		if n := len(args); n > 0 && strings.HasPrefix(args[n-1], "to=") {
			to, err := p.node(strings.TrimPrefix(args[n-1], "to="), "server")
			if err != nil {
				return st, true, err
			}
			f.to = mp.NodeID(to)
			args = args[:n-1]
		}
		if n := len(args); n > 0 && strings.HasPrefix(args[n-1], "via=") {
			if words[0] != "get" {
				return st, true, p.errf("via= is for get only")
			}
			if f.via, err = mp.ParseVia(strings.TrimPrefix(args[n-1], "via=")); err != nil {
				return st, true, p.errf("%v", err)
			}
			f.viaSet = true
			args = args[:n-1]
		}
		if len(args) < 1 {
			return st, true, p.errf("usage: put C K V | get C K | cas C K OLD NEW, each with [to=S]")
		}
		if f.node, err = p.node(args[0], "client"); err != nil {
			return st, true, err
		}
		if f.op, err = mp.NewOp(words[0], args[1:]...); err != nil {
			return st, true, p.errf("%v", err)
		}
		return st, true, nil
	case "pause", "resume":
		f.time = true
		if len(args) != 1 {
			return st, true, p.errf("usage: %s NODE", p.cmd)
		}
		if f.node, err = p.node(args[0], ""); err != nil {
			return st, true, err
		}
		st.Action = &Action{Kind: ActProto, Node: nodeID(f.node)}
		return st, true, nil
	case "clock":
		f.time = true
		if len(args) != 2 || !strings.HasPrefix(args[1], "rate=") {
			return st, true, p.errf("usage: clock NODE rate=R (R in percent of true time)")
		}
		if f.node, err = p.node(args[0], ""); err != nil {
			return st, true, err
		}
		r, err := strconv.Atoi(strings.TrimPrefix(args[1], "rate="))
		if err != nil || !cfg.RateOK(r) {
			return st, true, p.errf("%s: the rate must be a whole number within drift=%d of 100 (%d..%d)", args[1], cfg.Drift, 100-cfg.Drift, 100+cfg.Drift)
		}
		st.Action = &Action{Kind: ActProto, Node: nodeID(f.node), N: r}
		return st, true, nil
	}
	return Stmt{}, false, nil
}

// The Multi-Paxos selector's part: its message types and filters.

func (sel *mpSel) setType(word string) bool {
	t, ok := mp.ParseMsgType(word)
	sel.Type = t
	return ok
}

func (sel *mpSel) setEnds(from, to int) { sel.From, sel.To = from, to }

func (sel *mpSel) filter(p *cmdParser, k, v string) (bool, error) {
	var err error
	switch k {
	case "b":
		if sel.B, err = mp.ParseBallot(v); err != nil || sel.B.IsZero() {
			return true, p.errf("bad ballot %q: write R.I (round.server, e.g. 2.3)", v)
		}
	case "s":
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > mp.MaxSlot {
			return true, p.errf("bad slot %q", v)
		}
		sel.Slot = int32(n)
	case "id":
		if sel.Req, err = mp.ParseReqID(v); err != nil {
			return true, p.errf("bad request id %q (write c1.2)", v)
		}
	case "v":
		sel.V = v
	default:
		return false, nil
	}
	return true, nil
}

// format renders sel in script syntax (for an error message).
func (sel *mpSel) format(name func(int) string) string {
	var parts []string
	if sel.Type != mp.MsgNone {
		parts = append(parts, sel.Type.String())
	} else if sel.From < 0 && sel.To < 0 {
		parts = append(parts, "*")
	}
	end := func(id int) string {
		if id < 0 {
			return "*"
		}
		return name(id)
	}
	if sel.From >= 0 || sel.To >= 0 {
		parts = append(parts, end(sel.From)+"->"+end(sel.To))
	}
	if !sel.B.IsZero() {
		parts = append(parts, "b="+sel.B.String())
	}
	if sel.Slot != 0 {
		parts = append(parts, "s="+strconv.Itoa(int(sel.Slot)))
	}
	if !sel.Req.IsZero() {
		parts = append(parts, "id="+sel.Req.String())
	}
	if sel.V != "" {
		parts = append(parts, "v="+sel.V)
	}
	return strings.Join(parts, " ")
}

// expect parses the Multi-Paxos expectations (ok false: what is not one).
func (p *mpParser) expect(what string, args []string) (*mpExpect, bool, error) {
	e := &mpExpect{what: what, node: -1}
	nargs := func(lo, hi int, u string) error {
		if len(args) < lo || len(args) > hi {
			return p.errf("usage: %s", u)
		}
		return nil
	}
	var err error
	switch e.what {
	case "clock", "lease":
		if e.what == "lease" && len(args) == 3 {
			e, err := p.expectLock(e, args)
			return e, true, err
		}
		e, err := p.expectTime(e, args)
		return e, true, err
	case "stored":
		e, err := p.expectLock(e, args)
		return e, true, err
	case "chosen":
		if err := nargs(2, 2, "expect chosen s=N CMD|none"); err != nil {
			return nil, true, err
		}
		v, ok := strings.CutPrefix(args[0], "s=")
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n < 1 || n > mp.MaxSlot {
			return nil, true, p.errf("usage: expect chosen s=N CMD|none")
		}
		e.slot, e.words = int32(n), args[1:]
	case "log":
		if len(args) < 2 {
			return nil, true, p.errf("usage: expect log S W...|none")
		}
		if e.node, err = p.node(args[0], "server"); err != nil {
			return nil, true, err
		}
		e.words = args[1:]
	case "value":
		if err := nargs(3, 3, "expect value S K V"); err != nil {
			return nil, true, err
		}
		if e.node, err = p.node(args[0], "server"); err != nil {
			return nil, true, err
		}
		e.words = args[1:]
	case "reply":
		if len(args) == 3 && strings.HasPrefix(args[2], "id=") {
			if e.id, err = mp.ParseReqID(strings.TrimPrefix(args[2], "id=")); err != nil {
				return nil, true, p.errf("bad request id %q", args[2])
			}
			args = args[:2]
		}
		if err := nargs(2, 2, "expect reply C R|none [id=ID]"); err != nil {
			return nil, true, err
		}
		if e.node, err = p.node(args[0], "client"); err != nil {
			return nil, true, err
		}
		e.words = args[1:]
	case "leader":
		if err := nargs(1, 1, "expect leader S|none"); err != nil {
			return nil, true, err
		}
		if args[0] != "none" {
			if e.node, err = p.node(args[0], "server"); err != nil {
				return nil, true, err
			}
		}
	case "promised":
		if err := nargs(2, 2, "expect promised S BALLOT|none"); err != nil {
			return nil, true, err
		}
		if e.node, err = p.node(args[0], "server"); err != nil {
			return nil, true, err
		}
		if e.b, err = mp.ParseBallot(args[1]); err != nil {
			return nil, true, p.errf("bad ballot %q", args[1])
		}
	case "vote":
		u := "expect vote S s=N BALLOT CMD|none"
		if len(args) != 3 && len(args) != 4 {
			return nil, true, p.errf("usage: %s", u)
		}
		if e.node, err = p.node(args[0], "server"); err != nil {
			return nil, true, err
		}
		v, ok := strings.CutPrefix(args[1], "s=")
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n < 1 || n > mp.MaxSlot {
			return nil, true, p.errf("usage: %s", u)
		}
		e.slot = int32(n)
		if len(args) == 3 {
			if args[2] != "none" {
				return nil, true, p.errf("usage: %s", u)
			}
			break
		}
		if e.b, err = mp.ParseBallot(args[2]); err != nil {
			return nil, true, p.errf("bad ballot %q", args[2])
		}
		e.words = args[3:]
	default:
		return nil, false, nil
	}
	return e, true, nil
}

// logWords prints server id's decided slots 1..max as `expect log` reads
// them: each command in full, `_` for a slot not decided here.
func (s *MPSim) logWords(id int) []string {
	sv := &s.p.st.Servers[id]
	var words []string
	for n := int32(1); n <= sv.MaxDecided(); n++ {
		words = append(words, sv.Decided(n).String())
	}
	for i, w := range words {
		if w == "none" {
			words[i] = "_"
		}
	}
	return words
}

// eval reports whether e holds; when not, what the state is instead.
func (s *MPSim) eval(e *Expect) (bool, string) {
	if ok, key, args := s.W.evalCommon(e, s, s.broken()); key != "" {
		return ok, i18n.Format(i18n.EN, key, args)
	}
	return s.evalOwn(e.own.(*mpExpect))
}

// broken lists the invariants broken so far.
func (s *MPSim) broken() []string {
	var names []string
	for _, v := range s.p.k.Violations() {
		names = append(names, v.Invariant)
	}
	return names
}

// evalOwn judges a Multi-Paxos expectation.
func (s *MPSim) evalOwn(e *mpExpect) (bool, string) {
	p := s.p
	cfg := p.cfg
	switch e.what {
	case "clock", "lease":
		if e.what == "lease" && len(e.words) == 2 {
			return s.evalLock(e)
		}
		return s.evalTime(e)
	case "stored":
		return s.evalLock(e)
	case "chosen":
		cs := p.k.Chosen(e.slot)
		var got []string
		for _, c := range cs {
			got = append(got, c.String())
		}
		desc := "slot " + strconv.Itoa(int(e.slot)) + " chose " + strings.Join(got, ", ")
		if len(got) == 0 {
			desc = "slot " + strconv.Itoa(int(e.slot)) + " chose nothing"
			return e.words[0] == "none", desc
		}
		return len(cs) == 1 && cmdMatches(cs[0], e.words[0]), desc
	case "log":
		got := s.logWords(e.node)
		desc := cfg.Name(mp.NodeID(e.node)) + "'s log is " + strings.Join(got, " ")
		if len(got) == 0 {
			desc = cfg.Name(mp.NodeID(e.node)) + "'s log is empty"
		}
		return p.st.Servers[e.node].LogMatches(e.words), desc
	case "value":
		sv := &p.st.Servers[e.node]
		v := sv.V.KV.Get(e.words[0])
		return v == e.words[1], cfg.Name(mp.NodeID(e.node)) + " has " + e.words[0] + "=" + v
	case "reply":
		c := p.st.Client(cfg, mp.NodeID(e.node))
		got := c.LastResult
		if c.Last.IsZero() {
			got = "none"
		}
		desc := cfg.Name(mp.NodeID(e.node)) + "'s latest response is " + got
		if !c.Last.IsZero() {
			desc += " (id " + c.Last.String() + ")"
		}
		if !e.id.IsZero() && c.Last != e.id {
			return false, desc
		}
		return got == e.words[0], desc
	case "leader":
		var ls []string
		for _, l := range p.st.Leaders() {
			ls = append(ls, cfg.Name(l))
		}
		desc := "leaders: " + strings.Join(ls, ", ")
		if len(ls) == 0 {
			desc = "no server leads"
		}
		if e.node < 0 {
			return len(ls) == 0, desc
		}
		return p.st.Servers[e.node].IsLeader(), desc
	case "promised":
		got := p.st.Servers[e.node].D.Promised
		return got == e.b, cfg.Name(mp.NodeID(e.node)) + " promised " + got.String()
	case "vote":
		v := p.st.Servers[e.node].Vote(e.slot)
		desc := cfg.Name(mp.NodeID(e.node)) + " voted " + v.B.String()
		if !v.B.IsZero() {
			desc += " " + v.Cmd.String()
		}
		desc += " in slot " + strconv.Itoa(int(e.slot))
		if len(e.words) == 0 {
			return v.B.IsZero(), desc
		}
		return v.B == e.b && cmdMatches(v.Cmd, e.words[0]), desc
	}
	return false, "unknown expectation"
}

// apply performs one statement's action; an error leaves the state as it
// was.
func (s *MPSim) apply(st *Stmt) error {
	if st.Action.Kind != ActProto {
		return s.applyAction(st.Action)
	}
	f := st.own.(*mpForm)
	if f.time {
		return s.applyTime(st.Action)
	}
	if f.lock {
		return s.applyLock(st.Text, f)
	}
	return s.request(st.Text, f)
}

// applyAction performs a common action (the world's interpreter, with
// Multi-Paxos's rules).
func (s *MPSim) applyAction(a *Action) error {
	if err := s.W.checkCommon(a, s); err != nil {
		return err
	}
	return s.W.applyCommon(a, s, -1)
}

// request performs put, get or cas (written text) as one step.
func (s *MPSim) request(text string, f *mpForm) error {
	w, p := s.W, s.p
	if w.Paused(f.node) {
		return fmt.Errorf("%s: %s is paused", text, p.Name(f.node))
	}
	w.Begin(Action{Kind: ActProto, Text: text})
	via := f.via
	if !f.viaSet {
		via = s.cl.Reads
	}
	if err := p.requestVia(f.node, f.op, f.to, via, w); err != nil {
		w.Abort()
		return fmt.Errorf("%s: %v", text, strings.TrimPrefix(err.Error(), "multipaxos: "))
	}
	w.Drain()
	w.End()
	return nil
}

// The Multi-Paxos rules of the common forms (rules).

func (s *MPSim) nameOf(id int) string { return s.p.Name(id) }

func (s *MPSim) matches(sel *Selector, m *mp.Message) bool {
	if o, ok := sel.own.(*mpSel); ok {
		return o.match(m)
	}
	return sel.From == Any && sel.To == Any // an empty selector: every message
}

func (s *MPSim) selText(sel *Selector) string {
	if o, ok := sel.own.(*mpSel); ok {
		return o.format(s.p.Name)
	}
	return "*"
}

func (s *MPSim) errText(err error) string { return strings.TrimPrefix(err.Error(), "multipaxos: ") }

// timer: a live, running node times out; a server's election timer, a
// client's retry timer.
func (s *MPSim) timer(id int) (int, error) {
	if !s.p.Up(id) {
		return 0, actErr(ActTimeout, "%s is down", s.p.Name(id))
	}
	if s.W.Paused(id) {
		return 0, actErr(ActTimeout, "%s is paused", s.p.Name(id))
	}
	if s.p.cfg.IsClient(mp.NodeID(id)) {
		return int(mp.TimerRetry), nil
	}
	return int(mp.TimerElection), nil
}

// mpRun runs a Multi-Paxos script.
type mpRun struct{ s *MPSim }

func (r *mpRun) eval(e *Expect) (bool, string) { return r.s.eval(e) }
func (r *mpRun) apply(st *Stmt) error          { return r.s.apply(st) }
func (r *mpRun) summary() string               { return r.s.Summary() }

func (r *mpRun) broken() []brokenInv {
	var out []brokenInv
	for _, v := range r.s.p.k.Violations() {
		text := v.Describe(r.s.p.cfg)
		if _, rest, ok := strings.Cut(text, ": "); ok {
			text = rest // Describe starts with "NAME broken at step N: "
		}
		out = append(out, brokenInv{v.Invariant, v.Step, text})
	}
	return out
}

func (s *MPSim) traceEvent(out io.Writer) func(*WEvent[mp.Message, Narration]) {
	cfg := s.p.cfg
	id := func(m *mp.Message) int { return m.ID }
	describe := func(m *mp.Message, keepID bool) string {
		if keepID {
			return cfg.Describe(m)
		}
		c := *m
		c.ID = 0
		return cfg.Describe(&c)
	}
	return func(ev *WEvent[mp.Message, Narration]) {
		writeWorldEvent(out, ev, ev.Act.FormatNames(s.p.nodeName), id, describe)
	}
}

// DescribeNode renders one node's state on one line (English).
func (s *MPSim) DescribeNode(id int) string {
	cfg := s.p.cfg
	nid := mp.NodeID(id)
	if nid == cfg.Data() {
		return s.describeData() + s.timeText(id)
	}
	if cfg.IsClient(nid) {
		c := s.p.st.Client(cfg, nid)
		txt := fmt.Sprintf("%-3s client    seq=%d pending=%s hint=%s", cfg.Name(nid), c.Seq, c.Pending.String(), cfg.Name(c.Hint))
		if !c.Last.IsZero() {
			txt += " last=" + c.Last.String() + ":" + c.LastResult
		}
		return txt + s.beliefText(id) + s.timeText(id) + s.timerText(id)
	}
	sv := &s.p.st.Servers[id]
	state := "up  "
	if !sv.Up {
		state = "DOWN"
	}
	txt := fmt.Sprintf("%-3s %-9s %s promised=%s maxRound=%d", cfg.Name(nid), sv.V.Role.String(), state, sv.D.Promised, sv.D.MaxRound)
	if !sv.V.Ballot.IsZero() {
		txt += " ballot=" + sv.V.Ballot.String()
	}
	log := s.logWords(id)
	txt += " log=[" + strings.Join(log, " ") + "] executed=" + strconv.Itoa(int(sv.V.SlotOut-1))
	var kv []string
	sv.V.KV.Each(func(k, v string) { kv = append(kv, k+"="+v) })
	txt += " kv={" + strings.Join(kv, ",") + "}"
	return txt + s.timeText(id) + s.timerText(id)
}

func (s *MPSim) timerText(id int) string {
	var parts []string
	for k := range int(mp.NumTimerKinds) {
		if d := s.W.Timer(id, k); d >= 0 {
			parts = append(parts, mp.TimerName(mp.TimerKind(k), s.p.cfg.IsClient(mp.NodeID(id)))+"="+strconv.Itoa(d))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "  timers " + strings.Join(parts, " ")
}

// Summary renders the state in English: nodes, messages in flight, chosen
// slots and invariants.
func (s *MPSim) Summary() string {
	var sb strings.Builder
	cfg := s.p.cfg
	w := s.W
	fmt.Fprintf(&sb, "final state: step %d, time %d\n", w.step, w.now)
	for i := range cfg.Nodes() {
		fmt.Fprintf(&sb, "  %s\n", s.DescribeNode(i))
	}
	if w.partitioned() {
		fmt.Fprintf(&sb, "  partition: %s\n", describeGroupsOf(w.group, s.p.Name))
	}
	fmt.Fprintf(&sb, "  in flight: %d\n", len(w.inflight))
	for i := range w.inflight {
		fmt.Fprintf(&sb, "    %s\n", cfg.Describe(&w.inflight[i]))
	}
	n := s.p.k.MaxChosen()
	if n == 0 {
		sb.WriteString("  chosen: none\n")
	}
	for slot := int32(1); slot <= n; slot++ {
		var cs []string
		for _, c := range s.p.k.Chosen(slot) {
			cs = append(cs, c.String())
		}
		if len(cs) == 0 {
			cs = []string{"_"}
		}
		fmt.Fprintf(&sb, "  chosen s=%d: %s\n", slot, strings.Join(cs, ", "))
	}
	vs := s.p.k.Violations()
	if len(vs) == 0 {
		sb.WriteString("  invariants: all hold\n")
	}
	for i := range vs {
		fmt.Fprintf(&sb, "  VIOLATED: %s\n", vs[i].Describe(cfg))
	}
	return sb.String()
}

// MPNodeJSON is one Multi-Paxos node in --json.
type MPNodeJSON struct {
	Name     string            `json:"name"`
	Role     string            `json:"role"`
	Up       bool              `json:"up"`
	Promised string            `json:"promised,omitempty"`
	MaxRound int32             `json:"max_round,omitempty"`
	Ballot   string            `json:"ballot,omitempty"`
	Log      []string          `json:"log,omitempty"`
	Executed int32             `json:"executed,omitempty"`
	KV       map[string]string `json:"kv,omitempty"`
	Seq      int32             `json:"seq,omitempty"`
	Pending  string            `json:"pending,omitempty"`
	Timers   map[string]int    `json:"timers"`
}

// MPReplyJSON is one response a client accepted.
type MPReplyJSON struct {
	ID string `json:"id"`
	R  string `json:"r"`
}

// MPStateJSON is a Multi-Paxos state as paxviz run --json prints it
// (multipaxos.md §8).
type MPStateJSON struct {
	Protocol   string                   `json:"protocol"`
	Cluster    string                   `json:"cluster"`
	Step       int                      `json:"step"`
	Time       int                      `json:"time"`
	Chosen     [][2]any                 `json:"chosen"`
	Violations []string                 `json:"violations"`
	Replies    map[string][]MPReplyJSON `json:"replies"`
	Nodes      []MPNodeJSON             `json:"nodes"`
	InFlight   []string                 `json:"inflight"`
}

// StateJSON renders the whole state for --json.
func (s *MPSim) StateJSON() MPStateJSON {
	cfg := s.p.cfg
	j := MPStateJSON{Protocol: "multipaxos", Cluster: s.cl.String(), Step: s.W.step, Time: s.W.now,
		Chosen: [][2]any{}, Violations: []string{}, Replies: map[string][]MPReplyJSON{}, InFlight: []string{}}
	for slot := int32(1); slot <= s.p.k.MaxChosen(); slot++ {
		for _, c := range s.p.k.Chosen(slot) {
			j.Chosen = append(j.Chosen, [2]any{slot, c.String()})
		}
	}
	for _, v := range s.p.k.Violations() {
		j.Violations = append(j.Violations, v.Invariant)
	}
	for c, rs := range s.p.replies {
		list := []MPReplyJSON{}
		for _, r := range rs {
			list = append(list, MPReplyJSON{ID: r.ID.String(), R: r.Result})
		}
		j.Replies[cfg.Name(cfg.Client(c+1))] = list
	}
	for i := range cfg.Nodes() {
		id := mp.NodeID(i)
		n := MPNodeJSON{Name: cfg.Name(id), Up: s.p.Up(i), Timers: map[string]int{}}
		for k := range int(mp.NumTimerKinds) {
			if d := s.W.Timer(i, k); d >= 0 {
				n.Timers[mp.TimerName(mp.TimerKind(k), cfg.IsClient(id))] = d
			}
		}
		if id == cfg.Data() {
			n.Role, n.KV = "data", s.dataKV()
		} else if cfg.IsClient(id) {
			c := s.p.st.Client(cfg, id)
			n.Role, n.Seq = "client", c.Seq
			if !c.Pending.IsZero() {
				n.Pending = c.Pending.String()
			}
		} else {
			sv := &s.p.st.Servers[i]
			n.Role, n.Promised, n.MaxRound = sv.V.Role.String(), sv.D.Promised.String(), sv.D.MaxRound
			if !sv.V.Ballot.IsZero() {
				n.Ballot = sv.V.Ballot.String()
			}
			n.Log = s.logWords(i)
			n.Executed = max(sv.V.SlotOut-1, 0)
			n.KV = map[string]string{}
			sv.V.KV.Each(func(k, v string) { n.KV[k] = v })
		}
		j.Nodes = append(j.Nodes, n)
	}
	for i := range s.W.inflight {
		j.InFlight = append(j.InFlight, cfg.Describe(&s.W.inflight[i]))
	}
	return j
}
