package sim

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	rf "github.com/paxviz/paxviz/engine/raft"
	"github.com/paxviz/paxviz/i18n"
)

// The Raft part of the script language (raft.md §2, §9): the cluster line,
// the protocol forms (propose; expect role, term, leader, log, commit,
// applied, committed) and the selector filter t=TERM. The common forms
// (deliver, drop, dup, crash, restart, partition, heal, tick, run, timeout,
// expect safe|violation|inflight) parse into the same Action as for every
// protocol and run on the one World.

// RaftCluster is a parsed `cluster raft ...` line.
type RaftCluster struct {
	Opts rf.Options
	Seed uint64
}

// String renders c as a canonical cluster line.
func (c RaftCluster) String() string {
	o := c.Opts
	s := fmt.Sprintf("cluster raft servers=%d election=%d-%d heartbeat=%d noop=%d batch=%d probe=%d seed=%d",
		o.Servers, o.ElectionMin, o.ElectionMax, o.Heartbeat, o.Noop, o.Batch, o.Probe, c.Seed)
	if o.Bugs != 0 {
		s += " bugs=" + o.Bugs.String()
	}
	return s
}

// ParseRaftCluster reads a `cluster raft ...` line.
func ParseRaftCluster(line string) (RaftCluster, error) {
	words := strings.Fields(StripComment(line))
	if len(words) < 2 || words[0] != "cluster" || words[1] != "raft" {
		return RaftCluster{}, errors.New("cluster: a Raft cluster line starts with cluster raft")
	}
	c := RaftCluster{Opts: rf.DefaultOptions(rf.DefaultServers), Seed: DefaultSeed}
	seen := map[string]bool{}
	for _, w := range words[2:] {
		k, v, ok := strings.Cut(w, "=")
		if !ok || v == "" {
			return RaftCluster{}, fmt.Errorf("cluster: %q is not key=value", w)
		}
		if seen[k] {
			return RaftCluster{}, fmt.Errorf("cluster: %s= given twice", k)
		}
		seen[k] = true
		if k == "seed" {
			var err error
			if c.Seed, err = strconv.ParseUint(v, 10, 64); err != nil {
				return RaftCluster{}, fmt.Errorf("cluster: seed=%s is not a whole number 0..2^64-1", v)
			}
			continue
		}
		if err := c.Opts.Set(k, v); err != nil {
			return RaftCluster{}, fmt.Errorf("cluster: %s", strings.TrimPrefix(err.Error(), "raft: "))
		}
	}
	if _, err := rf.NewConfig(c.Opts); err != nil {
		return RaftCluster{}, fmt.Errorf("cluster: %s", strings.TrimPrefix(err.Error(), "raft: "))
	}
	return c, nil
}

// RaftSim is a Raft cluster in the world.
type RaftSim struct {
	W  *World[rf.Message, Narration]
	cl RaftCluster
	p  *raftProto
}

// NewRaft returns the initial state of cluster cl, which must be valid:
// every server a follower with its election timer drawn.
func NewRaft(cl RaftCluster) *RaftSim {
	cfg, err := rf.NewConfig(cl.Opts)
	if err != nil {
		panic(err) // ParseRaftCluster validated it
	}
	p := &raftProto{cfg: cfg, st: rf.NewState(cfg), k: rf.NewChecker(cfg)}
	s := &RaftSim{W: &World[rf.Message, Narration]{}, cl: cl, p: p}
	s.W.initWorld(p, cfg.Nodes(), int(rf.NumTimerKinds), cl.Seed)
	p.start(s.W)
	return s
}

// Clone returns an independent copy of s (without its Trace hook).
func (s *RaftSim) Clone() *RaftSim {
	p := s.p.clone()
	w := *s.W
	w.cloneWorld(p)
	return &RaftSim{W: &w, cl: s.cl, p: p}
}

// Cluster returns the cluster line.
func (s *RaftSim) Cluster() RaftCluster { return s.cl }

// Config returns the protocol's configuration.
func (s *RaftSim) Config() *rf.Config { return s.p.cfg }

// State returns the protocol state (do not modify).
func (s *RaftSim) State() *rf.State { return &s.p.st }

// Checker returns the god's-eye checker (do not modify).
func (s *RaftSim) Checker() *rf.Checker { return s.p.k }

// raftSel is a Raft selector: #N, or TYPE [FROM->TO] with t=TERM.
type raftSel struct {
	ID       int
	Type     rf.MsgType
	From, To int
	Term     int32 // 0: any
}

func (sel *raftSel) match(m *rf.Message) bool {
	if sel.ID > 0 {
		return m.ID == sel.ID
	}
	if sel.Type != rf.MsgNone && m.Type != sel.Type {
		return false
	}
	if sel.From >= 0 && int(m.From) != sel.From || sel.To >= 0 && int(m.To) != sel.To {
		return false
	}
	return sel.Term == 0 || m.Term == sel.Term
}

type raftExpect struct {
	what string
	node int
	n    int
	term int32 // expect leader ... t=T (0: any)
	role rf.Role
	word string
}

// raftPropose is Raft's propose S V (Stmt.own).
type raftPropose struct {
	node  int
	value string
}

// raftLang is Raft's part of the script language: servers, its message
// types and the filter t=TERM, propose, and the expectations role, term,
// leader, log, commit, applied and committed.
type raftLang struct {
	cfg *rf.Config
}

func (l *raftLang) commands() string {
	return "propose, deliver, drop, dup, timeout, tick, crash, restart, partition, heal, run, expect"
}

func (l *raftLang) expectations() string {
	return "safe|violation|inflight|role|term|leader|log|commit|applied|committed"
}

func (l *raftLang) invariants() []string { return rf.Invariants }

func (l *raftLang) selHelp() (string, string) {
	return "requestvote, vote, append, appendreply", "t=TERM"
}

func (l *raftLang) newSel() *Selector {
	return &Selector{From: Any, To: Any, own: &raftSel{From: -1, To: -1}}
}

func (l *raftLang) parser(p *cmdParser) *raftParser { return &raftParser{cfg: l.cfg, cmd: p.cmd} }

func (l *raftLang) node(p *cmdParser, name string, _ nodeUse) (int, error) {
	return l.parser(p).node(name)
}

func (l *raftLang) form(cp *cmdParser, words []string) (Stmt, bool, error) {
	if words[0] != "propose" {
		return Stmt{}, false, nil
	}
	p := l.parser(cp)
	args := words[1:]
	if len(args) != 2 {
		return Stmt{}, true, p.errf("usage: propose S V")
	}
	node, err := p.node(args[0])
	if err != nil {
		return Stmt{}, true, err
	}
	if err := rf.CheckValue(args[1]); err != nil {
		return Stmt{}, true, p.errf("%s: %s", args[1], strings.TrimPrefix(err.Error(), "raft: "))
	}
	return Stmt{Action: &Action{Kind: ActProto}, own: &raftPropose{node: node, value: args[1]}}, true, nil
}

func (l *raftLang) expect(p *cmdParser, what string, args []string) (*Expect, bool, error) {
	e, ok, err := l.parser(p).expect(what, args)
	if !ok || err != nil {
		return nil, ok, err
	}
	return &Expect{Kind: ExpProto, Node: -1, Name: what, own: e}, true, nil
}

type raftParser struct {
	cfg *rf.Config
	cmd string
}

func (p *raftParser) errf(format string, args ...any) error {
	return fmt.Errorf(p.cmd+": "+format, args...)
}

func (p *raftParser) node(name string) (int, error) {
	id, ok := p.cfg.Lookup(name)
	if !ok {
		return 0, p.errf("unknown server %q (this cluster has s1..s%d)", name, p.cfg.Servers)
	}
	return int(id), nil
}

// The Raft selector's part: its message types and the filter t=.

func (sel *raftSel) setType(word string) bool {
	t, ok := rf.ParseMsgType(word)
	sel.Type = t
	return ok
}

func (sel *raftSel) setEnds(from, to int) { sel.From, sel.To = from, to }

func (sel *raftSel) filter(p *cmdParser, k, v string) (bool, error) {
	if k != "t" {
		return false, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > rf.MaxTerm || sel.Term != 0 {
		return true, p.errf("bad term %q (t=TERM, once, TERM >= 1)", "t="+v)
	}
	sel.Term = int32(n)
	return true, nil
}

// format renders sel in script syntax (for an error message).
func (sel *raftSel) format(name func(int) string) string {
	var parts []string
	if sel.Type != rf.MsgNone {
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
	if sel.Term != 0 {
		parts = append(parts, "t="+strconv.Itoa(int(sel.Term)))
	}
	return strings.Join(parts, " ")
}

func (p *raftParser) count(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > rf.MaxIndex {
		return 0, p.errf("%q is not a count", s)
	}
	return n, nil
}

// expect parses the Raft expectations (ok false: what is not one).
func (p *raftParser) expect(what string, args []string) (*raftExpect, bool, error) {
	e := &raftExpect{what: what, node: -1}
	nargs := func(lo, hi int, u string) error {
		if len(args) < lo || len(args) > hi {
			return p.errf("usage: %s", u)
		}
		return nil
	}
	var err error
	switch e.what {
	case "role":
		if err := nargs(2, 2, "expect role S follower|candidate|leader"); err != nil {
			return nil, true, err
		}
		if e.node, err = p.node(args[0]); err != nil {
			return nil, true, err
		}
		var ok bool
		if e.role, ok = rf.ParseRole(args[1]); !ok {
			return nil, true, p.errf("unknown role %q (follower, candidate, leader)", args[1])
		}
	case "term", "commit", "applied":
		if err := nargs(2, 2, "expect "+e.what+" S N"); err != nil {
			return nil, true, err
		}
		if e.node, err = p.node(args[0]); err != nil {
			return nil, true, err
		}
		if e.n, err = p.count(args[1]); err != nil {
			return nil, true, err
		}
	case "leader":
		if err := nargs(1, 2, "expect leader S|none [t=T]"); err != nil {
			return nil, true, err
		}
		if args[0] != "none" {
			if e.node, err = p.node(args[0]); err != nil {
				return nil, true, err
			}
		}
		if len(args) == 2 {
			v, ok := strings.CutPrefix(args[1], "t=")
			n, err := strconv.Atoi(v)
			if !ok || err != nil || n < 0 || n > rf.MaxTerm {
				return nil, true, p.errf("usage: expect leader S|none [t=T]")
			}
			e.term = int32(n)
		}
	case "log":
		if len(args) < 2 {
			return nil, true, p.errf("usage: expect log S [T:V ...] ([] for the empty log)")
		}
		if e.node, err = p.node(args[0]); err != nil {
			return nil, true, err
		}
		e.word = strings.Join(args[1:], " ")
		if !strings.HasPrefix(e.word, "[") || !strings.HasSuffix(e.word, "]") {
			return nil, true, p.errf("usage: expect log S [T:V ...] ([] for the empty log)")
		}
	case "committed":
		if err := nargs(2, 2, "expect committed I V|none"); err != nil {
			return nil, true, err
		}
		if e.n, err = p.count(args[0]); err != nil || e.n < 1 {
			return nil, true, p.errf("usage: expect committed I V|none (I >= 1)")
		}
		e.word = args[1]
	default:
		return nil, false, nil
	}
	return e, true, nil
}

// eval reports whether e holds; when not, what the state is instead.
func (s *RaftSim) eval(e *Expect) (bool, string) {
	var broken []string
	for _, v := range s.p.k.Violations() {
		broken = append(broken, v.Invariant)
	}
	if ok, key, args := s.W.evalCommon(e, s, broken); key != "" {
		return ok, i18n.Format(i18n.EN, key, args)
	}
	return s.evalOwn(e.own.(*raftExpect))
}

// evalOwn judges a Raft expectation.
func (s *RaftSim) evalOwn(e *raftExpect) (bool, string) {
	p := s.p
	cfg := p.cfg
	var sv *rf.Server
	name := ""
	if e.node >= 0 {
		sv = &p.st.Servers[e.node]
		name = cfg.Name(rf.NodeID(e.node))
	}
	switch e.what {
	case "role":
		return sv.V.Role == e.role, name + " is a " + sv.V.Role.String()
	case "term":
		return int(sv.D.Term) == e.n, name + " is in term " + strconv.Itoa(int(sv.D.Term))
	case "commit":
		return int(sv.V.CommitIndex) == e.n, name + "'s commitIndex is " + strconv.Itoa(int(sv.V.CommitIndex))
	case "applied":
		return int(sv.V.LastApplied) == e.n, name + "'s lastApplied is " + strconv.Itoa(int(sv.V.LastApplied))
	case "log":
		got := rf.FormatLog(sv.D.Log)
		return got == e.word, name + "'s log is " + got
	case "committed":
		c, ok := p.k.Committed(int32(e.n))
		if !ok {
			return e.word == "none", "index " + strconv.Itoa(e.n) + " is not committed"
		}
		return c.Entry.Value == e.word, "index " + strconv.Itoa(e.n) + " committed " + c.Entry.String()
	case "leader":
		var ls []string
		for _, l := range p.st.Leaders() {
			ls = append(ls, cfg.Name(l)+" (t="+strconv.Itoa(int(p.st.Servers[l].D.Term))+")")
		}
		desc := "leaders: " + strings.Join(ls, ", ")
		if len(ls) == 0 {
			desc = "no live server leads"
		}
		if e.node < 0 {
			for _, l := range p.st.Leaders() {
				if e.term == 0 || p.st.Servers[l].D.Term == e.term {
					return false, desc
				}
			}
			return true, desc
		}
		return sv.IsLeader() && (e.term == 0 || sv.D.Term == e.term), desc
	}
	return false, "unknown expectation"
}

// apply performs one statement's action; an error leaves the state as it
// was.
func (s *RaftSim) apply(st *Stmt) error {
	if st.Action.Kind != ActProto {
		return s.applyAction(st.Action)
	}
	f := st.own.(*raftPropose)
	return s.propose(st.Text, f.node, f.value)
}

// applyAction performs a common action (the world's interpreter, with
// Raft's rules).
func (s *RaftSim) applyAction(a *Action) error {
	if err := s.W.checkCommon(a, s); err != nil {
		return err
	}
	return s.W.applyCommon(a, s, -1)
}

// propose performs propose S V (written text) as one step.
func (s *RaftSim) propose(text string, node int, value string) error {
	w := s.W
	w.Begin(Action{Kind: ActProto, Text: text})
	if err := s.p.propose(node, value, w); err != nil {
		w.Abort()
		return fmt.Errorf("%s: %v", text, strings.TrimPrefix(err.Error(), "raft: "))
	}
	w.Drain()
	w.End()
	return nil
}

// The Raft rules of the common forms (rules).

func (s *RaftSim) nameOf(id int) string { return s.p.Name(id) }

func (s *RaftSim) matches(sel *Selector, m *rf.Message) bool {
	if o, ok := sel.own.(*raftSel); ok {
		return o.match(m)
	}
	return sel.From == Any && sel.To == Any
}

func (s *RaftSim) selText(sel *Selector) string {
	if o, ok := sel.own.(*raftSel); ok {
		return o.format(s.p.Name)
	}
	return "*"
}

func (s *RaftSim) errText(err error) string { return strings.TrimPrefix(err.Error(), "raft: ") }

// timer: a live server's election timer.
func (s *RaftSim) timer(id int) (int, error) {
	if !s.p.Up(id) {
		return 0, actErr(ActTimeout, "%s is crashed", s.p.Name(id))
	}
	return int(rf.TimerElection), nil
}

// raftRun runs a Raft script.
type raftRun struct{ s *RaftSim }

func (r *raftRun) eval(e *Expect) (bool, string) { return r.s.eval(e) }
func (r *raftRun) apply(st *Stmt) error          { return r.s.apply(st) }
func (r *raftRun) summary() string               { return r.s.Summary() }

func (r *raftRun) broken() []brokenInv {
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

func (s *RaftSim) traceEvent(out io.Writer) func(*WEvent[rf.Message, Narration]) {
	cfg := s.p.cfg
	id := func(m *rf.Message) int { return m.ID }
	describe := func(m *rf.Message, keepID bool) string {
		if keepID {
			return cfg.Describe(m)
		}
		c := *m
		c.ID = 0
		return cfg.Describe(&c)
	}
	return func(ev *WEvent[rf.Message, Narration]) {
		writeWorldEvent(out, ev, ev.Act.FormatNames(s.p.nodeName), id, describe)
	}
}

func idxList(xs []int32) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(int(x))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// DescribeNode renders one server's state on one line (English).
func (s *RaftSim) DescribeNode(id int) string {
	cfg := s.p.cfg
	sv := &s.p.st.Servers[id]
	state := "up  "
	if !sv.Up {
		state = "DOWN"
	}
	txt := fmt.Sprintf("%-3s %-9s %s t=%d votedFor=%s log=%s commit=%d applied=%d", cfg.Name(rf.NodeID(id)),
		sv.V.Role.String(), state, sv.D.Term, cfg.Name(sv.D.VotedFor), rf.FormatLog(sv.D.Log), sv.V.CommitIndex, sv.V.LastApplied)
	if sv.IsLeader() {
		txt += " next=" + idxList(sv.V.NextIndex) + " match=" + idxList(sv.V.MatchIndex)
	}
	var parts []string
	for k := range int(rf.NumTimerKinds) {
		if d := s.W.Timer(id, k); d >= 0 {
			parts = append(parts, rf.TimerKind(k).String()+"="+strconv.Itoa(d))
		}
	}
	if len(parts) > 0 {
		txt += "  timers " + strings.Join(parts, " ")
	}
	return txt
}

// committedList returns the god's-eye committed records, by index.
func (s *RaftSim) committedList() [][3]any {
	n := s.p.k.CommittedCount()
	for i := range s.p.st.Servers {
		n = max(n, s.p.st.Servers[i].LastIndex())
	}
	out := [][3]any{}
	for i := int32(1); i <= n; i++ {
		if c, ok := s.p.k.Committed(i); ok {
			out = append(out, [3]any{i, c.Entry.Term, c.Entry.Value})
		}
	}
	return out
}

// Summary renders the state in English: servers, messages in flight,
// committed entries and invariants.
func (s *RaftSim) Summary() string {
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
	cs := s.committedList()
	if len(cs) == 0 {
		sb.WriteString("  committed: none\n")
	}
	for _, c := range cs {
		fmt.Fprintf(&sb, "  committed %d: %d:%s\n", c[0], c[1], c[2])
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

// RaftNodeJSON is one Raft server in --json (raft.md §9 "--json").
type RaftNodeJSON struct {
	Role        string         `json:"role"`
	Term        int32          `json:"term"`
	VotedFor    *string        `json:"votedFor"`
	Log         [][2]any       `json:"log"`
	CommitIndex int32          `json:"commitIndex"`
	LastApplied int32          `json:"lastApplied"`
	Crashed     bool           `json:"crashed"`
	NextIndex   []int32        `json:"nextIndex,omitempty"`
	MatchIndex  []int32        `json:"matchIndex,omitempty"`
	Timers      map[string]int `json:"timers"`
}

// RaftStateJSON is a Raft state as paxviz run --json prints it.
type RaftStateJSON struct {
	Protocol   string                  `json:"protocol"`
	Cluster    string                  `json:"cluster"`
	Step       int                     `json:"step"`
	Time       int                     `json:"time"`
	Committed  [][3]any                `json:"committed"`
	Violations []string                `json:"violations"`
	Nodes      map[string]RaftNodeJSON `json:"nodes"`
	InFlight   []string                `json:"inflight"`
}

// StateJSON renders the whole state for --json.
func (s *RaftSim) StateJSON() RaftStateJSON {
	cfg := s.p.cfg
	j := RaftStateJSON{Protocol: "raft", Cluster: s.cl.String(), Step: s.W.step, Time: s.W.now,
		Committed: s.committedList(), Violations: []string{}, Nodes: map[string]RaftNodeJSON{}, InFlight: []string{}}
	for _, v := range s.p.k.Violations() {
		j.Violations = append(j.Violations, v.Invariant)
	}
	for i := range cfg.Nodes() {
		sv := &s.p.st.Servers[i]
		n := RaftNodeJSON{Role: sv.V.Role.String(), Term: sv.D.Term, Log: [][2]any{}, CommitIndex: sv.V.CommitIndex,
			LastApplied: sv.V.LastApplied, Crashed: !sv.Up, Timers: map[string]int{}}
		if sv.D.VotedFor != rf.None {
			v := cfg.Name(sv.D.VotedFor)
			n.VotedFor = &v
		}
		for _, e := range sv.D.Log {
			n.Log = append(n.Log, [2]any{e.Term, e.Value})
		}
		if sv.IsLeader() {
			n.NextIndex = slices.Clone(sv.V.NextIndex)
			n.MatchIndex = slices.Clone(sv.V.MatchIndex)
		}
		for k := range int(rf.NumTimerKinds) {
			if d := s.W.Timer(i, k); d >= 0 {
				n.Timers[rf.TimerKind(k).String()] = d
			}
		}
		j.Nodes[cfg.Name(rf.NodeID(i))] = n
	}
	for i := range s.W.inflight {
		j.InFlight = append(j.InFlight, cfg.Describe(&s.W.inflight[i]))
	}
	return j
}
