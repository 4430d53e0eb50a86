package sim

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/paxviz/paxviz/engine"
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
)

var expectNames = [...]string{"none", "chosen", "learned", "promised", "accepted", "inflight", "safe", "violation", "phase", "proposed"}

// Expect is one `expect` line: a claim about the current state.
type Expect struct {
	Kind   ExpectKind
	Node   engine.NodeID
	Value  engine.Value  // "" means none
	Ballot engine.Ballot // zero means none
	N      int
	Sel    *Selector
	Name   string // violation: invariant name ("" any); phase: phase name
}

// Stmt is one command of a script: an action or an expectation.
type Stmt struct {
	Line   int
	Text   string // the command as written, comment and spaces trimmed
	Action *Action
	Expect *Expect
	// mp and raft hold a statement of another protocol (AnyCluster.ParseStmt,
	// anyproto.go); Action and Expect are then nil.
	mp   *mpStmt
	raft *raftStmt
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
	mp       *mpScript
	raft     *raftScript
}

// Parse reads a script. File names errors; it may be "".
func Parse(file string, src string) (*Script, error) {
	sc := &Script{File: file}
	var errs ErrorList
	fail := func(line int, format string, args ...any) {
		if len(errs) < maxErrors {
			errs = append(errs, &Error{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
		}
	}
	var cfg *engine.Config
	lines := strings.Split(src, "\n")
	for i, raw := range lines {
		if text := StripComment(strings.TrimSuffix(raw, "\r")); text != "" {
			if w := strings.Fields(text); cfg == nil && len(w) > 1 && w[0] == "cluster" && w[1] == "multipaxos" && isPrintable(text) {
				return parseMPScript(file, lines, i)
			}
			if w := strings.Fields(text); cfg == nil && len(w) > 1 && w[0] == "cluster" && w[1] == "raft" && isPrintable(text) {
				return parseRaftScript(file, lines, i)
			}
		}
		ln := i + 1
		text := StripComment(strings.TrimSuffix(raw, "\r"))
		if text == "" {
			continue
		}
		if !isPrintable(text) {
			fail(ln, "line has a control or non-ASCII character outside a comment")
			continue
		}
		words := strings.Fields(text)
		if cfg == nil {
			if words[0] != "cluster" {
				fail(ln, "the first command must be the cluster line (cluster proposers=N acceptors=N ...), not %q", words[0])
				return nil, errs
			}
			cl, err := ParseCluster(text)
			if err != nil {
				fail(ln, "%v", err)
				return nil, errs
			}
			sc.Cluster, sc.ClusterLine = cl, ln
			cfg = cl.EngineConfig()
			continue
		}
		st, err := ParseCommand(cfg, text)
		if err != nil {
			fail(ln, "%v", err)
			continue
		}
		st.Line = ln
		if st.Expect != nil && st.Expect.Kind == ExpViolation {
			sc.ExpectsViolation = true
		}
		sc.Stmts = append(sc.Stmts, st)
	}
	if cfg == nil && len(errs) == 0 {
		fail(max(len(lines), 1), "no cluster line: a script starts with cluster proposers=N acceptors=N (or cluster servers=N)")
	}
	if len(errs) > 0 {
		return sc, errs
	}
	return sc, nil
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
// a cluster of shape cfg.
func ParseCommand(cfg *engine.Config, line string) (Stmt, error) {
	text := StripComment(line)
	words := strings.Fields(text)
	if len(words) == 0 {
		return Stmt{}, errors.New("empty command")
	}
	st := Stmt{Text: strings.Join(words, " ")}
	p := parser{cfg: cfg, cmd: words[0]}
	args := words[1:]
	if words[0] == "expect" {
		e, err := p.expect(args)
		if err != nil {
			return Stmt{}, err
		}
		st.Expect = e
		return st, nil
	}
	if words[0] == "partition" {
		// | may touch names: "p1 a1|a2".
		args = strings.Fields(strings.ReplaceAll(strings.Join(args, " "), "|", " | "))
	}
	a, err := p.action(args)
	if err != nil {
		return Stmt{}, err
	}
	st.Action = a
	return st, nil
}

type parser struct {
	cfg *engine.Config
	cmd string
	// lookup and names, when cfg is nil, resolve node names for another
	// protocol's cluster (the common forms tick, heal, partition, run).
	lookup func(string) (int, bool)
	names  string
}

func (p *parser) errf(format string, args ...any) error {
	return fmt.Errorf(p.cmd+": "+format, args...)
}

func (p *parser) nodes() string {
	var parts []string
	kinds := []struct {
		prefix string
		n      int
	}{{"p", len(p.cfg.Proposers)}, {"a", len(p.cfg.Acceptors)}, {"l", len(p.cfg.Learners)}}
	if p.cfg.Servers {
		kinds = kinds[:0]
		kinds = append(kinds, struct {
			prefix string
			n      int
		}{"s", len(p.cfg.Nodes)})
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

func (p *parser) node(name string, role engine.Role, what string) (engine.NodeID, error) {
	if p.cfg == nil {
		id, ok := p.lookup(name)
		if !ok {
			return 0, p.errf("unknown node %q (this cluster has %s)", name, p.names)
		}
		return engine.NodeID(id), nil
	}
	id, ok := p.cfg.Lookup(name)
	if !ok {
		return 0, p.errf("unknown node %q (this cluster has %s)", name, p.nodes())
	}
	if role != 0 && !p.cfg.Is(id, role) {
		return 0, p.errf("%s is not %s", name, what)
	}
	return id, nil
}

func (p *parser) nargs(args []string, lo, hi int, usage string) error {
	if len(args) < lo || len(args) > hi {
		return p.errf("usage: %s", usage)
	}
	return nil
}

func (p *parser) value(s string) (engine.Value, error) {
	if !ValidValue(s) {
		if s == "none" {
			return "", p.errf("none is not a value (it means no value)")
		}
		return "", p.errf("bad value %q: use 1-64 letters, digits, _, -, : and .", s)
	}
	return engine.Value(s), nil
}

func (p *parser) ballot(s string) (engine.Ballot, error) {
	b, err := engine.ParseBallot(s)
	if err != nil {
		return b, p.errf("bad ballot %q: write R.I (round.proposer, e.g. 1.2), or a plain round R with ballot_reuse", s)
	}
	return b, nil
}

func (p *parser) action(args []string) (*Action, error) {
	a := &Action{}
	var err error
	switch p.cmd {
	case "propose":
		if err := p.nargs(args, 2, 2, "propose P V"); err != nil {
			return nil, err
		}
		a.Kind = ActPropose
		if a.Node, err = p.node(args[0], engine.RoleProposer, "a proposer"); err != nil {
			return nil, err
		}
		if a.Value, err = p.value(args[1]); err != nil {
			return nil, err
		}
	case "deliver", "drop", "dup":
		a.Kind = map[string]Kind{"deliver": ActDeliver, "drop": ActDrop, "dup": ActDup}[p.cmd]
		if len(args) == 0 {
			return nil, p.errf("usage: %s SEL (#N, TYPE, TYPE FROM->TO, FROM->TO, with * wildcards and optional b=BALLOT)", p.cmd)
		}
		sel, err := p.selector(args)
		if err != nil {
			return nil, err
		}
		a.Sel = *sel
	case "timeout", "crash", "restart":
		if err := p.nargs(args, 1, 1, p.cmd+" NODE"); err != nil {
			return nil, err
		}
		switch p.cmd {
		case "timeout":
			a.Kind = ActTimeout
			a.Node, err = p.node(args[0], engine.RoleProposer, "a proposer")
		case "crash":
			a.Kind = ActCrash
			a.Node, err = p.node(args[0], 0, "")
		case "restart":
			a.Kind = ActRestart
			a.Node, err = p.node(args[0], 0, "")
		}
		if err != nil {
			return nil, err
		}
	case "tick":
		if err := p.nargs(args, 0, 1, "tick [N]"); err != nil {
			return nil, err
		}
		a.Kind, a.N = ActTick, 1
		if len(args) == 1 {
			n, err := strconv.Atoi(args[0])
			if err != nil || n < 1 || n > MaxTick {
				return nil, p.errf("ticks must be a whole number 1..%d, not %q", MaxTick, args[0])
			}
			a.N = n
		}
	case "heal":
		if err := p.nargs(args, 0, 0, "heal"); err != nil {
			return nil, err
		}
		a.Kind = ActHeal
	case "partition":
		a.Kind = ActPartition
		if a.Groups, err = p.groups(args); err != nil {
			return nil, err
		}
	case "run":
		a.Kind, a.N = ActRun, DefaultRunMax
		if err := p.run(a, args); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown command %q (commands: propose, deliver, drop, dup, timeout, tick, crash, restart, partition, heal, run, expect)", p.cmd)
	}
	return a, nil
}

func (p *parser) run(a *Action, args []string) error {
	seen := map[string]bool{}
	for _, w := range args {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			return p.errf("%q is not key=value (run [max=N] [until=chosen|quiet] [drop=P] [dup=P])", w)
		}
		if seen[k] {
			return p.errf("%s= given twice", k)
		}
		seen[k] = true
		switch k {
		case "max":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > MaxRun {
				return p.errf("max must be a whole number 1..%d, not %q", MaxRun, v)
			}
			a.N = n
		case "until":
			switch v {
			case "chosen":
				a.Until = UntilChosen
			case "quiet":
				a.Until = UntilQuiet
			default:
				return p.errf("until must be chosen or quiet, not %q", v)
			}
		case "drop", "dup":
			pm, err := parseRate(v)
			if err != nil {
				return p.errf("%s=%s: %v", k, v, err)
			}
			if k == "drop" {
				a.DropPerMille = pm
			} else {
				a.DupPerMille = pm
			}
		default:
			return p.errf("unknown key %q (run [max=N] [until=chosen|quiet] [drop=P] [dup=P])", k)
		}
	}
	if a.DropPerMille+a.DupPerMille > 1000 {
		return p.errf("drop and dup add up to more than 1")
	}
	return nil
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

func (p *parser) groups(args []string) ([][]engine.NodeID, error) {
	if len(args) == 0 {
		return nil, p.errf("usage: partition G | G ... (e.g. partition p1 a1 | *)")
	}
	var groups [][]engine.NodeID
	cur := []engine.NodeID{}
	seen := map[string]bool{}
	for _, w := range append(args, "|") {
		if w == "|" {
			if len(cur) == 0 {
				return nil, p.errf("empty group (two | in a row, or | at an end)")
			}
			groups = append(groups, cur)
			cur = []engine.NodeID{}
			continue
		}
		for _, name := range strings.Split(w, ",") {
			if name == "" {
				continue
			}
			if seen[name] {
				if name == "*" {
					return nil, p.errf("* appears in more than one group")
				}
				return nil, p.errf("%s is in more than one group", name)
			}
			seen[name] = true
			if name == "*" {
				cur = append(cur, Any)
				continue
			}
			id, err := p.node(name, 0, "")
			if err != nil {
				return nil, err
			}
			cur = append(cur, id)
		}
	}
	return groups, nil
}

// selector parses SEL: #N | TYPE [FROM->TO] | FROM->TO, then b=, v=.
func (p *parser) selector(args []string) (*Selector, error) {
	sel := &Selector{From: Any, To: Any}
	i := 0
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
	if !strings.Contains(args[0], "->") && !strings.Contains(args[0], "=") {
		if args[0] != "*" {
			t, ok := engine.ParseMsgType(args[0])
			if !ok {
				return nil, p.errf("unknown message type %q (prepare, promise, nack, accept, accepted, or *)", args[0])
			}
			sel.Type = t
		}
		i++
	}
	if i < len(args) && strings.Contains(args[i], "->") {
		from, to, _ := strings.Cut(args[i], "->")
		var err error
		if sel.From, err = p.endpoint(from); err != nil {
			return nil, err
		}
		if sel.To, err = p.endpoint(to); err != nil {
			return nil, err
		}
		i++
	}
	for ; i < len(args); i++ {
		k, v, ok := strings.Cut(args[i], "=")
		switch {
		case ok && k == "b":
			b, err := p.ballot(v)
			if err != nil {
				return nil, err
			}
			sel.Ballot = b
		case ok && k == "v":
			val, err := p.value(v)
			if err != nil {
				return nil, err
			}
			sel.Value = val
		default:
			return nil, p.errf("unexpected %q in selector (#N, TYPE, TYPE FROM->TO, FROM->TO, then b=BALLOT or v=VALUE)", args[i])
		}
	}
	return sel, nil
}

func (p *parser) endpoint(s string) (engine.NodeID, error) {
	if s == "*" {
		return Any, nil
	}
	if s == "" {
		return 0, p.errf("FROM->TO needs a node or * on each side")
	}
	return p.node(s, 0, "")
}

func (p *parser) expect(args []string) (*Expect, error) {
	if len(args) == 0 {
		return nil, p.errf("usage: expect chosen|learned|promised|accepted|inflight|safe|violation|phase|proposed ...")
	}
	e := &Expect{Node: -1}
	what, args := args[0], args[1:]
	p.cmd = "expect " + what
	var err error
	switch what {
	case "chosen":
		e.Kind = ExpChosen
		if err := p.nargs(args, 1, 1, "expect chosen V|none"); err != nil {
			return nil, err
		}
		if args[0] != "none" {
			if e.Value, err = p.value(args[0]); err != nil {
				return nil, err
			}
		}
	case "learned":
		e.Kind = ExpLearned
		if err := p.nargs(args, 2, 2, "expect learned L V|none"); err != nil {
			return nil, err
		}
		if e.Node, err = p.node(args[0], engine.RoleLearner, "a learner or server"); err != nil {
			return nil, err
		}
		if args[1] != "none" {
			if e.Value, err = p.value(args[1]); err != nil {
				return nil, err
			}
		}
	case "promised":
		e.Kind = ExpPromised
		if err := p.nargs(args, 2, 2, "expect promised A BALLOT|none"); err != nil {
			return nil, err
		}
		if e.Node, err = p.node(args[0], engine.RoleAcceptor, "an acceptor or server"); err != nil {
			return nil, err
		}
		if args[1] != "none" {
			if e.Ballot, err = p.ballot(args[1]); err != nil {
				return nil, err
			}
		}
	case "accepted":
		e.Kind = ExpAccepted
		if len(args) == 2 && args[1] == "none" {
			if e.Node, err = p.node(args[0], engine.RoleAcceptor, "an acceptor or server"); err != nil {
				return nil, err
			}
			break
		}
		if err := p.nargs(args, 3, 3, "expect accepted A BALLOT V | expect accepted A none"); err != nil {
			return nil, err
		}
		if e.Node, err = p.node(args[0], engine.RoleAcceptor, "an acceptor or server"); err != nil {
			return nil, err
		}
		if e.Ballot, err = p.ballot(args[1]); err != nil {
			return nil, err
		}
		if e.Value, err = p.value(args[2]); err != nil {
			return nil, err
		}
	case "inflight":
		e.Kind = ExpInFlight
		if len(args) == 0 {
			return nil, p.errf("usage: expect inflight N [SEL]")
		}
		n, err := strconv.Atoi(args[0])
		if err != nil || n < 0 {
			return nil, p.errf("%q is not a count", args[0])
		}
		e.N = n
		if len(args) > 1 {
			if e.Sel, err = p.selector(args[1:]); err != nil {
				return nil, err
			}
		}
	case "safe":
		e.Kind = ExpSafe
		if err := p.nargs(args, 0, 0, "expect safe"); err != nil {
			return nil, err
		}
	case "violation":
		e.Kind = ExpViolation
		if err := p.nargs(args, 0, 1, "expect violation [NAME]"); err != nil {
			return nil, err
		}
		if len(args) == 1 {
			known := false
			for _, n := range Invariants {
				known = known || n == args[0]
			}
			if !known {
				return nil, p.errf("unknown invariant %q (known: %s)", args[0], strings.Join(Invariants, ", "))
			}
			e.Name = args[0]
		}
	case "proposed":
		e.Kind = ExpProposed
		if err := p.nargs(args, 2, 2, "expect proposed P V|none"); err != nil {
			return nil, err
		}
		if e.Node, err = p.node(args[0], engine.RoleProposer, "a proposer"); err != nil {
			return nil, err
		}
		if args[1] != "none" {
			if e.Value, err = p.value(args[1]); err != nil {
				return nil, err
			}
		}
	case "phase":
		e.Kind = ExpPhase
		if err := p.nargs(args, 2, 2, "expect phase P idle|preparing|accepting|backoff|done"); err != nil {
			return nil, err
		}
		if e.Node, err = p.node(args[0], engine.RoleProposer, "a proposer"); err != nil {
			return nil, err
		}
		ok := false
		for ph := engine.PhaseIdle; ph <= engine.PhaseDone; ph++ {
			ok = ok || ph.String() == args[1]
		}
		if !ok {
			return nil, p.errf("unknown phase %q (idle, preparing, accepting, backoff, done)", args[1])
		}
		e.Name = args[1]
	default:
		return nil, p.errf("unknown expectation (chosen, learned, promised, accepted, inflight, safe, violation, phase, proposed)")
	}
	return e, nil
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
	violated := func() string {
		var names []string
		for _, v := range s.violations {
			names = append(names, v.Invariant)
		}
		if len(names) == 0 {
			return "none"
		}
		return strings.Join(names, ", ")
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
	case ExpInFlight:
		n := len(s.inflight)
		if e.Sel != nil {
			n = s.countMatches(e.Sel)
		}
		return n == e.N, "got.inflight", map[string]string{"n": strconv.Itoa(n)}
	case ExpSafe:
		return len(s.violations) == 0, "got.violated", map[string]string{"v": violated()}
	case ExpViolation:
		return s.Violated(e.Name), "got.violated", map[string]string{"v": violated()}
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
