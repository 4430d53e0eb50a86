package sim

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/paxviz/paxviz/engine"
	rf "github.com/paxviz/paxviz/engine/raft"
	"github.com/paxviz/paxviz/i18n"
)

// Error is a script error located at file:line.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.File == "" {
		if e.Line == 0 {
			return e.Msg
		}
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// ErrorList is every error found in one script.
type ErrorList []*Error

func (l ErrorList) Error() string {
	var sb strings.Builder
	for i, e := range l {
		if i > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(e.Error())
	}
	return sb.String()
}

// maxErrors bounds how many errors one parse reports.
const maxErrors = 20

// ExpectKind is the kind of an expectation.
type ExpectKind uint8

// Expectation kinds (script.md "Expectations"; phase is an added form).
const (
	ExpNone ExpectKind = iota
	ExpChosen
	ExpLearned
	ExpPromised
	ExpAccepted
	ExpInFlight
	ExpSafe
	ExpViolation
	ExpPhase
	ExpProposed
	// ExpProto is another protocol's own expectation (Name is its word).
	ExpProto
)

var expectNames = [...]string{"none", "chosen", "learned", "promised", "accepted", "inflight", "safe", "violation", "phase", "proposed", "proto"}

// Expect is one `expect` line: a claim about the current state.
type Expect struct {
	Kind   ExpectKind
	Node   engine.NodeID
	Value  engine.Value  // "" means none
	Ballot engine.Ballot // zero means none
	N      int
	Sel    *Selector
	Name   string // violation: invariant name ("" any); phase: phase name
	// own is another protocol's own expectation (ExpProto).
	own any
}

// Stmt is one command of a script: an action or an expectation.
type Stmt struct {
	Line   int
	Text   string // the command as written, comment and spaces trimmed
	Action *Action
	Expect *Expect
	// own is another protocol's part of its own form (Action.Kind
	// ActProto): what the form asks, parsed.
	own any
}

// Script is a parsed script.
type Script struct {
	File        string
	Cluster     Cluster
	ClusterLine int
	Stmts       []Stmt
	// ExpectsViolation is set when some line is `expect violation`: the
	// script demonstrates a broken engine.
	ExpectsViolation bool
	// Protocol is the protocol the cluster line names ("" for
	// single-decree Paxos, "multipaxos", "raft").
	Protocol string
	mp       *MPCluster
	raft     *RaftCluster
}

// Parse reads a script. File names errors; it may be "". Every protocol's
// script goes through the one parser (lang.go): the cluster line names the
// protocol, whose lang supplies what the common forms do not.
func Parse(file string, src string) (*Script, error) {
	sc := &Script{File: file}
	var errs ErrorList
	fail := func(line int, format string, args ...any) {
		if len(errs) < maxErrors {
			errs = append(errs, &Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
		}
	}
	lines := strings.Split(src, "\n")
	for i, raw := range lines {
		ln := i + 1
		text := StripComment(strings.TrimSuffix(raw, "\r"))
		if text == "" {
			continue
		}
		if !isPrintable(text) {
			fail(ln, "line has a control or non-ASCII character outside a comment")
			continue
		}
		if words := strings.Fields(text); words[0] != "cluster" {
			fail(ln, "the first command must be the cluster line (cluster proposers=N acceptors=N ...), not %q", words[0])
			return nil, errs
		}
		l, err := sc.declare(text)
		if err != nil {
			fail(ln, "%v", err)
			return nil, errs
		}
		sc.ClusterLine = ln
		return parseLines(sc, lines, i, l, errs)
	}
	if len(errs) == 0 {
		fail(max(len(lines), 1), "no cluster line: a script starts with cluster proposers=N acceptors=N (or cluster servers=N)")
	}
	return sc, errs
}

// declare reads the cluster line through the protocol registry: a line
// naming multipaxos or raft is that protocol's, any other single-decree
// Paxos. It returns the protocol's part of the language.
func (sc *Script) declare(line string) (lang, error) {
	words := strings.Fields(line)
	proto := ""
	if len(words) > 1 && !strings.Contains(words[1], "=") {
		proto = words[1]
	}
	switch proto {
	case ProtoMultiPaxos:
		cl, err := ParseMPCluster(line)
		if err != nil {
			return nil, err
		}
		cfg, _ := cl.config()
		sc.Protocol, sc.mp = proto, &cl
		return &mpLang{cfg: cfg}, nil
	case ProtoRaft:
		cl, err := ParseRaftCluster(line)
		if err != nil {
			return nil, err
		}
		cfg, _ := rf.NewConfig(cl.Opts)
		sc.Protocol, sc.raft = proto, &cl
		return &raftLang{cfg: cfg}, nil
	}
	cl, err := ParseCluster(line)
	if err != nil {
		return nil, err
	}
	sc.Cluster = cl
	return &sdLang{cfg: cl.EngineConfig()}, nil
}

// StripComment removes a `#` comment (a `#` that does not start a #N
// message id) and surrounding space.
func StripComment(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] != '#' {
			continue
		}
		atWordStart := i == 0 || s[i-1] == ' ' || s[i-1] == '\t'
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		isID := atWordStart && j > i+1 && (j == len(s) || s[j] == ' ' || s[j] == '\t')
		if !isID {
			return strings.TrimSpace(s[:i])
		}
		i = j - 1
	}
	return strings.TrimSpace(s)
}

func isPrintable(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < ' ' && c != '\t') || c > '~' {
			return false
		}
	}
	return true
}

// ValidValue reports whether s is a proposable value: 1..64 letters,
// digits, '_', '-', ':' and '.', and not the reserved word "none".
func ValidValue(s string) bool {
	if s == "" || len(s) > 64 || s == "none" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == ':' || c == '.') {
			return false
		}
	}
	return true
}

// ParseCluster reads a cluster line.
func ParseCluster(line string) (Cluster, error) {
	words := strings.Fields(StripComment(line))
	if len(words) == 0 || words[0] != "cluster" {
		return Cluster{}, errors.New("cluster: a cluster line starts with the word cluster")
	}
	cl := Cluster{Seed: DefaultSeed, TimeoutTicks: DefaultTimeoutTicks, Learners: -1}
	seen := map[string]bool{}
	for _, w := range words[1:] {
		k, v, ok := strings.Cut(w, "=")
		if !ok || v == "" {
			return Cluster{}, fmt.Errorf("cluster: %q is not key=value", w)
		}
		if seen[k] {
			return Cluster{}, fmt.Errorf("cluster: %s= given twice", k)
		}
		seen[k] = true
		num := func() (int, error) {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return 0, fmt.Errorf("cluster: %s=%s is not a whole number", k, v)
			}
			return n, nil
		}
		var err error
		switch k {
		case "proposers":
			cl.Proposers, err = num()
		case "acceptors":
			cl.Acceptors, err = num()
		case "learners":
			cl.Learners, err = num()
		case "servers":
			cl.Servers, err = num()
		case "timeout":
			cl.TimeoutTicks, err = num()
		case "jitter":
			cl.JitterTicks, err = num()
		case "seed":
			cl.Seed, err = strconv.ParseUint(v, 10, 64)
			if err != nil {
				err = fmt.Errorf("cluster: seed=%s is not a whole number 0..2^64-1", v)
			}
		case "bugs":
			for _, name := range strings.Split(v, ",") {
				b, berr := engine.ParseBug(name)
				if berr != nil {
					return Cluster{}, fmt.Errorf("cluster: bugs: unknown bug %q (known: %s)", name, strings.Join(engine.BugNames(), ", "))
				}
				cl.Bugs = cl.Bugs.With(b)
			}
		default:
			return Cluster{}, fmt.Errorf("cluster: unknown key %q (known: proposers, acceptors, learners, servers, seed, bugs, timeout, jitter)", k)
		}
		if err != nil {
			return Cluster{}, err
		}
	}
	if seen["servers"] {
		if cl.Servers == 0 {
			return Cluster{}, errors.New("cluster: servers=0: must be 1..9")
		}
		if cl.Learners == -1 {
			cl.Learners = 0
		}
	} else {
		if !seen["proposers"] || !seen["acceptors"] {
			return Cluster{}, errors.New("cluster: needs proposers=N and acceptors=N, or servers=N")
		}
		if cl.Learners == -1 {
			cl.Learners = 1
		}
	}
	if err := cl.Validate(); err != nil {
		return Cluster{}, fmt.Errorf("cluster: %v", err)
	}
	return cl, nil
}

// ParseCommand reads one action or expectation (not the cluster line) for
// a single-decree cluster of shape cfg.
func ParseCommand(cfg *engine.Config, line string) (Stmt, error) {
	return parseStmt(&sdLang{cfg: cfg}, line)
}

// sdLang is single-decree Paxos's part of the script language: proposers,
// acceptors, learners (or servers), its message types and filters b= and
// v=, propose, and the expectations chosen, learned, promised, accepted,
// phase and proposed.
type sdLang struct {
	cfg *engine.Config
}

func (l *sdLang) commands() string {
	return "propose, deliver, drop, dup, timeout, tick, crash, restart, partition, heal, run, expect"
}

func (l *sdLang) expectations() string {
	return "chosen|learned|promised|accepted|inflight|safe|violation|phase|proposed"
}

func (l *sdLang) invariants() []string { return Invariants }

func (l *sdLang) selHelp() (string, string) {
	return "prepare, promise, nack, accept, accepted", "b=BALLOT or v=VALUE"
}

func (l *sdLang) newSel() *Selector { return &Selector{From: Any, To: Any} }

func (l *sdLang) nodes() string {
	var parts []string
	kinds := []struct {
		prefix string
		n      int
	}{{"p", len(l.cfg.Proposers)}, {"a", len(l.cfg.Acceptors)}, {"l", len(l.cfg.Learners)}}
	if l.cfg.Servers {
		kinds = kinds[:0]
		kinds = append(kinds, struct {
			prefix string
			n      int
		}{"s", len(l.cfg.Nodes)})
	}
	for _, k := range kinds {
		switch k.n {
		case 0:
		case 1:
			parts = append(parts, k.prefix+"1")
		default:
			parts = append(parts, fmt.Sprintf("%s1..%s%d", k.prefix, k.prefix, k.n))
		}
	}
	return strings.Join(parts, ", ")
}

func (l *sdLang) node(p *cmdParser, name string, use nodeUse) (int, error) {
	if use == useTimeout {
		id, err := l.role(p, name, engine.RoleProposer, "a proposer")
		return int(id), err
	}
	id, err := l.role(p, name, 0, "")
	return int(id), err
}

// role resolves name, which must have role (0: any), described by what.
func (l *sdLang) role(p *cmdParser, name string, role engine.Role, what string) (engine.NodeID, error) {
	id, ok := l.cfg.Lookup(name)
	if !ok {
		return 0, p.errf("unknown node %q (this cluster has %s)", name, l.nodes())
	}
	if role != 0 && !l.cfg.Is(id, role) {
		return 0, p.errf("%s is not %s", name, what)
	}
	return id, nil
}

func sdValue(p *cmdParser, s string) (engine.Value, error) {
	if !ValidValue(s) {
		if s == "none" {
			return "", p.errf("none is not a value (it means no value)")
		}
		return "", p.errf("bad value %q: use 1-64 letters, digits, _, -, : and .", s)
	}
	return engine.Value(s), nil
}

func sdBallot(p *cmdParser, s string) (engine.Ballot, error) {
	b, err := engine.ParseBallot(s)
	if err != nil {
		return b, p.errf("bad ballot %q: write R.I (round.proposer, e.g. 1.2), or a plain round R with ballot_reuse", s)
	}
	return b, nil
}

func (l *sdLang) form(p *cmdParser, words []string) (Stmt, bool, error) {
	if words[0] != "propose" {
		return Stmt{}, false, nil
	}
	args := words[1:]
	if err := p.nargs(args, 2, 2, "propose P V"); err != nil {
		return Stmt{}, true, err
	}
	a := &Action{Kind: ActPropose}
	var err error
	if a.Node, err = l.role(p, args[0], engine.RoleProposer, "a proposer"); err != nil {
		return Stmt{}, true, err
	}
	if a.Value, err = sdValue(p, args[1]); err != nil {
		return Stmt{}, true, err
	}
	return Stmt{Action: a}, true, nil
}

// The single-decree selector's part: its message types and filters.

func (sel *Selector) setType(word string) bool {
	t, ok := engine.ParseMsgType(word)
	sel.Type = t
	return ok
}

func (sel *Selector) setEnds(from, to int) { sel.From, sel.To = nodeID(from), nodeID(to) }

func (sel *Selector) filter(p *cmdParser, k, v string) (bool, error) {
	var err error
	switch k {
	case "b":
		sel.Ballot, err = sdBallot(p, v)
	case "v":
		sel.Value, err = sdValue(p, v)
	default:
		return false, nil
	}
	return true, err
}

// parseRate reads a probability written 0.05, .05, 1, 0 or 5% into
// thousandths, exactly.
func parseRate(s string) (int, error) {
	bad := errors.New("a rate is a number 0..1 with at most 3 decimals (0.05) or a percentage (5%)")
	if pct, ok := strings.CutSuffix(s, "%"); ok {
		n, err := parseDecimal(pct, 1)
		if err != nil || n > 1000 {
			return 0, bad
		}
		return n, nil
	}
	n, err := parseDecimal(s, 3)
	if err != nil || n > 1000 {
		return 0, bad
	}
	return n, nil
}

// parseDecimal reads an unsigned decimal with at most places decimals as an
// integer scaled by 10^places... scaled so that the result is thousandths.
func parseDecimal(s string, places int) (int, error) {
	ip, fp, _ := strings.Cut(s, ".")
	if ip == "" && fp == "" || len(fp) > places || len(ip) > 4 {
		return 0, errors.New("bad number")
	}
	for _, part := range []string{ip, fp} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return 0, errors.New("bad number")
			}
		}
	}
	n := 0
	for i := 0; i < len(ip); i++ {
		n = n*10 + int(ip[i]-'0')
	}
	for i := 0; i < places; i++ {
		d := 0
		if i < len(fp) {
			d = int(fp[i] - '0')
		}
		n = n*10 + d
	}
	if places == 1 { // percentage with one decimal → thousandths
		return n, nil
	}
	return n, nil
}

func (l *sdLang) expect(p *cmdParser, what string, args []string) (*Expect, bool, error) {
	e := &Expect{Node: -1}
	var err error
	switch what {
	case "chosen":
		e.Kind = ExpChosen
		if err := p.nargs(args, 1, 1, "expect chosen V|none"); err != nil {
			return nil, true, err
		}
		if args[0] != "none" {
			if e.Value, err = sdValue(p, args[0]); err != nil {
				return nil, true, err
			}
		}
	case "learned":
		e.Kind = ExpLearned
		if err := p.nargs(args, 2, 2, "expect learned L V|none"); err != nil {
			return nil, true, err
		}
		if e.Node, err = l.role(p, args[0], engine.RoleLearner, "a learner or server"); err != nil {
			return nil, true, err
		}
		if args[1] != "none" {
			if e.Value, err = sdValue(p, args[1]); err != nil {
				return nil, true, err
			}
		}
	case "promised":
		e.Kind = ExpPromised
		if err := p.nargs(args, 2, 2, "expect promised A BALLOT|none"); err != nil {
			return nil, true, err
		}
		if e.Node, err = l.role(p, args[0], engine.RoleAcceptor, "an acceptor or server"); err != nil {
			return nil, true, err
		}
		if args[1] != "none" {
			if e.Ballot, err = sdBallot(p, args[1]); err != nil {
				return nil, true, err
			}
		}
	case "accepted":
		e.Kind = ExpAccepted
		if len(args) == 2 && args[1] == "none" {
			if e.Node, err = l.role(p, args[0], engine.RoleAcceptor, "an acceptor or server"); err != nil {
				return nil, true, err
			}
			break
		}
		if err := p.nargs(args, 3, 3, "expect accepted A BALLOT V | expect accepted A none"); err != nil {
			return nil, true, err
		}
		if e.Node, err = l.role(p, args[0], engine.RoleAcceptor, "an acceptor or server"); err != nil {
			return nil, true, err
		}
		if e.Ballot, err = sdBallot(p, args[1]); err != nil {
			return nil, true, err
		}
		if e.Value, err = sdValue(p, args[2]); err != nil {
			return nil, true, err
		}
	case "proposed":
		e.Kind = ExpProposed
		if err := p.nargs(args, 2, 2, "expect proposed P V|none"); err != nil {
			return nil, true, err
		}
		if e.Node, err = l.role(p, args[0], engine.RoleProposer, "a proposer"); err != nil {
			return nil, true, err
		}
		if args[1] != "none" {
			if e.Value, err = sdValue(p, args[1]); err != nil {
				return nil, true, err
			}
		}
	case "phase":
		e.Kind = ExpPhase
		if err := p.nargs(args, 2, 2, "expect phase P idle|preparing|accepting|backoff|done"); err != nil {
			return nil, true, err
		}
		if e.Node, err = l.role(p, args[0], engine.RoleProposer, "a proposer"); err != nil {
			return nil, true, err
		}
		ok := false
		for ph := engine.PhaseIdle; ph <= engine.PhaseDone; ph++ {
			ok = ok || ph.String() == args[1]
		}
		if !ok {
			return nil, true, p.errf("unknown phase %q (idle, preparing, accepting, backoff, done)", args[1])
		}
		e.Name = args[1]
	default:
		return nil, false, nil
	}
	return e, true, nil
}

// Format renders e in script syntax.
func (e *Expect) Format(c *engine.Config) string {
	val := func(v engine.Value) string {
		if v == "" {
			return "none"
		}
		return string(v)
	}
	switch e.Kind {
	case ExpChosen:
		return "expect chosen " + val(e.Value)
	case ExpLearned:
		return "expect learned " + c.Name(e.Node) + " " + val(e.Value)
	case ExpPromised:
		return "expect promised " + c.Name(e.Node) + " " + e.Ballot.String()
	case ExpAccepted:
		if e.Ballot.IsZero() {
			return "expect accepted " + c.Name(e.Node) + " none"
		}
		return "expect accepted " + c.Name(e.Node) + " " + e.Ballot.String() + " " + string(e.Value)
	case ExpInFlight:
		s := "expect inflight " + strconv.Itoa(e.N)
		if e.Sel != nil {
			s += " " + e.Sel.Format(c)
		}
		return s
	case ExpSafe:
		return "expect safe"
	case ExpViolation:
		if e.Name == "" {
			return "expect violation"
		}
		return "expect violation " + e.Name
	case ExpPhase:
		return "expect phase " + c.Name(e.Node) + " " + e.Name
	case ExpProposed:
		return "expect proposed " + c.Name(e.Node) + " " + val(e.Value)
	}
	return "expect ?"
}

// Eval reports whether e holds in s; when it does not, got says (in
// English) what the state is instead.
func (s *Sim) Eval(e *Expect) (ok bool, got string) {
	ok, key, args := s.EvalDetail(e)
	return ok, i18n.Format(i18n.EN, key, args)
}

// EvalDetail is Eval with the state described by a translation key and
// its arguments, so that every front end can say it in its own language.
func (s *Sim) EvalDetail(e *Expect) (ok bool, key string, args map[string]string) {
	val := func(v engine.Value) string {
		if v == "" {
			return "none"
		}
		return string(v)
	}
	switch e.Kind {
	case ExpInFlight, ExpSafe, ExpViolation:
		var broken []string
		for _, v := range s.violations {
			broken = append(broken, v.Invariant)
		}
		return s.evalCommon(e, (*sdProto)(s), broken)
	}
	name := ""
	if e.Node >= 0 && int(e.Node) < len(s.cfg.Nodes) {
		name = s.cfg.Name(e.Node)
	}
	switch e.Kind {
	case ExpChosen:
		if e.Value == "" {
			ok = len(s.chosen) == 0
		} else {
			ok = s.IsChosen(e.Value)
		}
		var vs []string
		for _, c := range s.chosen {
			vs = append(vs, string(c.Value))
		}
		if len(vs) == 0 {
			vs = []string{"none"}
		}
		return ok, "got.chosen", map[string]string{"v": strings.Join(vs, ", ")}
	case ExpLearned:
		l := s.node[e.Node].L.Learned
		return l == e.Value, "got.learned", map[string]string{"node": name, "v": val(l)}
	case ExpPromised:
		p := s.node[e.Node].A.Promised
		return p == e.Ballot, "got.promised", map[string]string{"node": name, "b": p.String()}
	case ExpAccepted:
		a := s.node[e.Node].A
		ok = a.VoteBallot == e.Ballot && (e.Ballot.IsZero() || a.VoteValue == e.Value)
		if a.VoteBallot.IsZero() {
			return ok, "got.accepted_none", map[string]string{"node": name}
		}
		return ok, "got.accepted", map[string]string{"node": name, "b": a.VoteBallot.String(), "v": string(a.VoteValue)}
	case ExpPhase:
		ph := s.node[e.Node].P.Phase.String()
		return ph == e.Name, "got.phase", map[string]string{"node": name, "phase": ph}
	case ExpProposed:
		// The value the proposer sent in phase 2 of its current ballot.
		v := s.node[e.Node].P.Proposed
		return v == e.Value, "got.proposed", map[string]string{"node": name, "v": val(v)}
	}
	return false, "got.unknown", nil
}
