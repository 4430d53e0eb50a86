package sim

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
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
	sel   *mpSel
}

type mpStmt struct {
	Line int
	Text string
	act  *Action // common forms
	sel  mpSel   // deliver, drop, dup
	op   mp.Cmd  // put, get, cas (act nil, exp nil)
	to   mp.NodeID
	via  mp.Via
	// viaSet: via= was written (else a get takes the cluster's reads=).
	viaSet bool
	// lock: a lock service form (acquire, renew, release, write; mplock.go).
	lock bool
	node int
	exp  *mpExpect
}

// mpScript is a parsed Multi-Paxos script.
type mpScript struct {
	cl    MPCluster
	stmts []mpStmt
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

// parseMPScript reads a script whose cluster line (at index first of
// lines) names multipaxos.
func parseMPScript(file string, lines []string, first int) (*Script, error) {
	sc := &Script{File: file, ClusterLine: first + 1, Protocol: "multipaxos"}
	var errs ErrorList
	fail := func(line int, format string, args ...any) {
		if len(errs) < maxErrors {
			errs = append(errs, &Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
		}
	}
	cl, err := ParseMPCluster(lines[first])
	if err != nil {
		fail(first+1, "%v", err)
		return nil, errs
	}
	cfg, _ := cl.config()
	ms := &mpScript{cl: cl}
	sc.mp = ms
	for i := first + 1; i < len(lines); i++ {
		ln := i + 1
		text := StripComment(strings.TrimSuffix(lines[i], "\r"))
		if text == "" {
			continue
		}
		if !isPrintable(text) {
			fail(ln, "line has a control or non-ASCII character outside a comment")
			continue
		}
		st, err := parseMPCommand(cfg, text)
		if err != nil {
			fail(ln, "%v", err)
			continue
		}
		st.Line = ln
		if st.exp != nil && st.exp.what == "violation" {
			sc.ExpectsViolation = true
		}
		ms.stmts = append(ms.stmts, st)
	}
	if len(errs) > 0 {
		return sc, errs
	}
	return sc, nil
}

func parseMPCommand(cfg *mp.Config, text string) (mpStmt, error) {
	words := strings.Fields(text)
	st := mpStmt{Text: strings.Join(words, " ")}
	p := &mpParser{cfg: cfg, cmd: words[0]}
	args := words[1:]
	var err error
	switch words[0] {
	case "expect":
		st.exp, err = p.expect(args)
		return st, err
	case "acquire", "renew", "release", "write":
		return p.lockForm(st, words)
	case "put", "get", "cas":
		st.to = mp.None
		if n := len(args); n > 0 && strings.HasPrefix(args[n-1], "to=") {
			to, err := p.node(strings.TrimPrefix(args[n-1], "to="), "server")
			if err != nil {
				return st, err
			}
			st.to = mp.NodeID(to)
			args = args[:n-1]
		}
		if n := len(args); n > 0 && strings.HasPrefix(args[n-1], "via=") {
			if words[0] != "get" {
				return st, p.errf("via= is for get only")
			}
			if st.via, err = mp.ParseVia(strings.TrimPrefix(args[n-1], "via=")); err != nil {
				return st, p.errf("%v", err)
			}
			st.viaSet = true
			args = args[:n-1]
		}
		if len(args) < 1 {
			return st, p.errf("usage: put C K V | get C K | cas C K OLD NEW, each with [to=S]")
		}
		if st.node, err = p.node(args[0], "client"); err != nil {
			return st, err
		}
		if st.op, err = mp.NewOp(words[0], args[1:]...); err != nil {
			return st, p.errf("%v", err)
		}
		return st, nil
	case "deliver", "drop", "dup":
		st.act = &Action{Kind: map[string]Kind{"deliver": ActDeliver, "drop": ActDrop, "dup": ActDup}[words[0]]}
		if len(args) == 0 {
			return st, p.errf("usage: %s SEL (#N, TYPE, TYPE FROM->TO, FROM->TO, with * wildcards, then b=, s=, id=, v=)", p.cmd)
		}
		sel, err := p.selector(args)
		if err != nil {
			return st, err
		}
		st.sel = *sel
		return st, nil
	case "pause", "resume":
		if len(args) != 1 {
			return st, p.errf("usage: %s NODE", p.cmd)
		}
		if st.node, err = p.node(args[0], ""); err != nil {
			return st, err
		}
		st.act = &Action{Kind: ActProto, Node: nodeID(st.node), Text: st.Text}
		return st, nil
	case "clock":
		if len(args) != 2 || !strings.HasPrefix(args[1], "rate=") {
			return st, p.errf("usage: clock NODE rate=R (R in percent of true time)")
		}
		if st.node, err = p.node(args[0], ""); err != nil {
			return st, err
		}
		r, err := strconv.Atoi(strings.TrimPrefix(args[1], "rate="))
		if err != nil || !cfg.RateOK(r) {
			return st, p.errf("%s: the rate must be a whole number within drift=%d of 100 (%d..%d)", args[1], cfg.Drift, 100-cfg.Drift, 100+cfg.Drift)
		}
		st.act = &Action{Kind: ActProto, Node: nodeID(st.node), N: r, Text: st.Text}
		return st, nil
	case "timeout", "crash", "restart":
		if len(args) != 1 {
			return st, p.errf("usage: %s NODE", p.cmd)
		}
		want := "server"
		if words[0] == "timeout" {
			want = ""
		}
		id, err := p.node(args[0], want)
		if err != nil {
			return st, err
		}
		st.act = &Action{Kind: map[string]Kind{"timeout": ActTimeout, "crash": ActCrash, "restart": ActRestart}[words[0]], Node: nodeID(id)}
		return st, nil
	}
	// The remaining common forms: the single-decree parser's, with this
	// cluster's node names.
	sp := parser{cmd: words[0], lookup: func(name string) (int, bool) {
		id, ok := cfg.Lookup(name)
		return int(id), ok
	}, names: p.nodeNames()}
	if words[0] == "partition" {
		args = strings.Fields(strings.ReplaceAll(strings.Join(args, " "), "|", " | "))
	}
	switch words[0] {
	case "tick", "heal", "partition", "run":
		st.act, err = sp.action(args)
		return st, err
	}
	return st, fmt.Errorf("unknown command %q (commands: put, get, cas, acquire, renew, release, write, deliver, drop, dup, timeout, tick, crash, restart, partition, heal, run, pause, resume, clock, expect)", words[0])
}

func (p *mpParser) selector(args []string) (*mpSel, error) {
	sel := &mpSel{From: -1, To: -1}
	if strings.HasPrefix(args[0], "#") {
		n, err := strconv.Atoi(args[0][1:])
		if err != nil || n < 1 {
			return nil, p.errf("bad message id %q", args[0])
		}
		if len(args) > 1 {
			return nil, p.errf("nothing may follow a message id %s", args[0])
		}
		sel.ID = n
		return sel, nil
	}
	i := 0
	if !strings.Contains(args[0], "->") && !strings.Contains(args[0], "=") {
		if args[0] != "*" {
			t, ok := mp.ParseMsgType(args[0])
			if !ok {
				return nil, p.errf("unknown message type %q (request, reply, prepare, promise, nack, accept, accepted, commit, heartbeat, heartbeat_ok, or *)", args[0])
			}
			sel.Type = t
		}
		i++
	}
	if i < len(args) && strings.Contains(args[i], "->") {
		from, to, _ := strings.Cut(args[i], "->")
		for _, e := range []struct {
			s   string
			dst *int
		}{{from, &sel.From}, {to, &sel.To}} {
			if e.s == "*" {
				continue
			}
			if e.s == "" {
				return nil, p.errf("FROM->TO needs a node or * on each side")
			}
			id, err := p.node(e.s, "")
			if err != nil {
				return nil, err
			}
			*e.dst = id
		}
		i++
	}
	for ; i < len(args); i++ {
		k, v, ok := strings.Cut(args[i], "=")
		var err error
		switch {
		case ok && k == "b":
			if sel.B, err = mp.ParseBallot(v); err != nil || sel.B.IsZero() {
				return nil, p.errf("bad ballot %q: write R.I (round.server, e.g. 2.3)", v)
			}
		case ok && k == "s":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > mp.MaxSlot {
				return nil, p.errf("bad slot %q", v)
			}
			sel.Slot = int32(n)
		case ok && k == "id":
			if sel.Req, err = mp.ParseReqID(v); err != nil {
				return nil, p.errf("bad request id %q (write c1.2)", v)
			}
		case ok && k == "v":
			sel.V = v
		default:
			return nil, p.errf("unexpected %q in selector (#N, TYPE, TYPE FROM->TO, FROM->TO, then b=, s=, id=, v=)", args[i])
		}
	}
	return sel, nil
}

func (p *mpParser) expect(args []string) (*mpExpect, error) {
	usage := "usage: expect safe|violation|inflight|chosen|log|value|reply|leader|promised|vote|clock|lease|stored ..."
	if len(args) == 0 {
		return nil, p.errf("%s", usage)
	}
	e := &mpExpect{what: args[0], node: -1}
	args = args[1:]
	p.cmd = "expect " + e.what
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
			return p.expectLock(e, args)
		}
		return p.expectTime(e, args)
	case "stored":
		return p.expectLock(e, args)
	case "safe":
		return e, nargs(0, 0, "expect safe")
	case "violation":
		if err := nargs(0, 1, "expect violation [NAME]"); err != nil {
			return nil, err
		}
		if len(args) == 1 {
			if !slices.Contains(mp.Invariants, args[0]) {
				return nil, p.errf("unknown invariant %q (known: %s)", args[0], strings.Join(mp.Invariants, ", "))
			}
			e.words = args
		}
	case "inflight":
		if len(args) == 0 {
			return nil, p.errf("usage: expect inflight N [SEL]")
		}
		if e.n, err = strconv.Atoi(args[0]); err != nil || e.n < 0 {
			return nil, p.errf("%q is not a count", args[0])
		}
		if len(args) > 1 {
			if e.sel, err = p.selector(args[1:]); err != nil {
				return nil, err
			}
		}
	case "chosen":
		if err := nargs(2, 2, "expect chosen s=N CMD|none"); err != nil {
			return nil, err
		}
		v, ok := strings.CutPrefix(args[0], "s=")
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n < 1 || n > mp.MaxSlot {
			return nil, p.errf("usage: expect chosen s=N CMD|none")
		}
		e.slot, e.words = int32(n), args[1:]
	case "log":
		if len(args) < 2 {
			return nil, p.errf("usage: expect log S W...|none")
		}
		if e.node, err = p.node(args[0], "server"); err != nil {
			return nil, err
		}
		e.words = args[1:]
	case "value":
		if err := nargs(3, 3, "expect value S K V"); err != nil {
			return nil, err
		}
		if e.node, err = p.node(args[0], "server"); err != nil {
			return nil, err
		}
		e.words = args[1:]
	case "reply":
		if len(args) == 3 && strings.HasPrefix(args[2], "id=") {
			if e.id, err = mp.ParseReqID(strings.TrimPrefix(args[2], "id=")); err != nil {
				return nil, p.errf("bad request id %q", args[2])
			}
			args = args[:2]
		}
		if err := nargs(2, 2, "expect reply C R|none [id=ID]"); err != nil {
			return nil, err
		}
		if e.node, err = p.node(args[0], "client"); err != nil {
			return nil, err
		}
		e.words = args[1:]
	case "leader":
		if err := nargs(1, 1, "expect leader S|none"); err != nil {
			return nil, err
		}
		if args[0] != "none" {
			if e.node, err = p.node(args[0], "server"); err != nil {
				return nil, err
			}
		}
	case "promised":
		if err := nargs(2, 2, "expect promised S BALLOT|none"); err != nil {
			return nil, err
		}
		if e.node, err = p.node(args[0], "server"); err != nil {
			return nil, err
		}
		if e.b, err = mp.ParseBallot(args[1]); err != nil {
			return nil, p.errf("bad ballot %q", args[1])
		}
	case "vote":
		u := "expect vote S s=N BALLOT CMD|none"
		if len(args) != 3 && len(args) != 4 {
			return nil, p.errf("usage: %s", u)
		}
		if e.node, err = p.node(args[0], "server"); err != nil {
			return nil, err
		}
		v, ok := strings.CutPrefix(args[1], "s=")
		n, err := strconv.Atoi(v)
		if !ok || err != nil || n < 1 || n > mp.MaxSlot {
			return nil, p.errf("usage: %s", u)
		}
		e.slot = int32(n)
		if len(args) == 3 {
			if args[2] != "none" {
				return nil, p.errf("usage: %s", u)
			}
			break
		}
		if e.b, err = mp.ParseBallot(args[2]); err != nil {
			return nil, p.errf("bad ballot %q", args[2])
		}
		e.words = args[3:]
	default:
		return nil, p.errf("%s", usage)
	}
	return e, nil
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
func (s *MPSim) eval(e *mpExpect) (bool, string) {
	p := s.p
	cfg := p.cfg
	violated := func() string {
		var names []string
		for _, v := range p.k.Violations() {
			names = append(names, v.Invariant)
		}
		if len(names) == 0 {
			return "no invariant is broken"
		}
		return "broken: " + strings.Join(names, ", ")
	}
	switch e.what {
	case "clock", "lease":
		if e.what == "lease" && len(e.words) == 2 {
			return s.evalLock(e)
		}
		return s.evalTime(e)
	case "stored":
		return s.evalLock(e)
	case "safe":
		return len(p.k.Violations()) == 0, violated()
	case "violation":
		name := ""
		if len(e.words) > 0 {
			name = e.words[0]
		}
		if name == "" {
			return len(p.k.Violations()) > 0, violated()
		}
		return p.k.Broken(name), violated()
	case "inflight":
		n := len(s.W.inflight)
		if e.sel != nil {
			n = 0
			for i := range s.W.inflight {
				if e.sel.match(&s.W.inflight[i]) {
					n++
				}
			}
		}
		return n == e.N(), strconv.Itoa(n) + " in flight"
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

// N returns the count of an `expect inflight`.
func (e *mpExpect) N() int { return e.n }

// apply performs one action statement; an error leaves the state as it
// was.
func (s *MPSim) apply(st *mpStmt) error {
	w := s.W
	p := s.p
	if st.lock {
		return s.applyLock(st)
	}
	if st.act == nil {
		if w.Paused(st.node) {
			return fmt.Errorf("%s: %s is paused", st.Text, p.Name(st.node))
		}
		w.Begin(Action{Kind: ActProto, Text: st.Text})
		via := st.via
		if !st.viaSet {
			via = s.cl.Reads
		}
		if err := p.requestVia(st.node, st.op, st.to, via, w); err != nil {
			w.Abort()
			return fmt.Errorf("%s: %v", st.Text, strings.TrimPrefix(err.Error(), "multipaxos: "))
		}
		w.Drain()
		w.End()
		return nil
	}
	a := st.act
	name := p.Name(int(a.Node))
	switch a.Kind {
	case ActProto:
		return s.applyTime(st)
	case ActDeliver, ActDrop, ActDup:
		var ids []int
		waiting := 0
		for i := range w.inflight {
			if st.sel.match(&w.inflight[i]) {
				if a.Kind == ActDeliver && !w.Deliverable(i) {
					waiting++
					continue
				}
				ids = append(ids, w.inflight[i].ID)
			}
		}
		if len(ids) == 0 && waiting > 0 {
			return fmt.Errorf("%s: the matching message(s) wait for a paused node", st.Text)
		}
		if len(ids) == 0 {
			return fmt.Errorf("%s: no in-flight message matches", st.Text)
		}
		return w.actOnMessages(a.Kind, ids)
	case ActTimeout:
		id := int(a.Node)
		kind := int(mp.TimerElection)
		if p.cfg.IsClient(mp.NodeID(id)) {
			kind = int(mp.TimerRetry)
		}
		if !p.Up(id) {
			return fmt.Errorf("timeout: %s is down", name)
		}
		if w.Paused(id) {
			return fmt.Errorf("timeout: %s is paused", name)
		}
		if err := w.Fire(id, kind); err != nil {
			return fmt.Errorf("timeout: %s: %v", name, strings.TrimPrefix(err.Error(), "multipaxos: "))
		}
	case ActCrash:
		w.Unpause(int(a.Node)) // a crash ends a pause (a paused node is up, so the crash succeeds)
		if err := w.CrashNode(int(a.Node)); err != nil {
			return fmt.Errorf("crash: %s: %v", name, strings.TrimPrefix(err.Error(), "multipaxos: "))
		}
	case ActRestart:
		if err := w.RestartNode(int(a.Node)); err != nil {
			return fmt.Errorf("restart: %s: %v", name, strings.TrimPrefix(err.Error(), "multipaxos: "))
		}
	default:
		_, err := w.applyNetworkForm(a, p.Nodes(), p.Name)
		return err
	}
	return nil
}

// mpRun runs a Multi-Paxos script.
type mpRun struct {
	s  *MPSim
	sc *mpScript
}

func (r *mpRun) count() int                { return len(r.sc.stmts) }
func (r *mpRun) line(i int) (int, string)  { return r.sc.stmts[i].Line, r.sc.stmts[i].Text }
func (r *mpRun) isExpect(i int) bool       { return r.sc.stmts[i].exp != nil }
func (r *mpRun) eval(i int) (bool, string) { return r.s.eval(r.sc.stmts[i].exp) }
func (r *mpRun) apply(i int) error         { return r.s.apply(&r.sc.stmts[i]) }
func (r *mpRun) summary() string           { return r.s.Summary() }

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
