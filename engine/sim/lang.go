package sim

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/paxviz/paxviz/engine"
)

// The one parser of the script language (script.md). It reads the cluster
// line through the protocol registry, then every command: the common forms
// (deliver, drop, dup with their selectors; timeout, crash, restart; tick,
// heal, partition, run; expect safe|violation|inflight) are parsed here,
// once, into the one Stmt; a protocol (its lang) is asked only for what
// differs: its node names, its message types and selector filters, its
// invariant names and its own forms (propose, put, expect chosen, ...).

// lang is one protocol's part of the script language.
type lang interface {
	// node resolves a node name for a common form (use says which), with
	// an error (p.errf) saying what is wrong: an unknown name, or a node
	// the form cannot name.
	node(p *cmdParser, name string, use nodeUse) (int, error)
	// newSel returns an empty selector: Selector's own fields for
	// single-decree Paxos, the protocol's own selector in Selector.own
	// for the others.
	newSel() *Selector
	// selHelp lists the message types and the filters, for errors.
	selHelp() (types, filters string)
	// invariants lists the names `expect violation NAME` takes.
	invariants() []string
	// form parses one of the protocol's own commands (ok false: the word
	// is not one).
	form(p *cmdParser, words []string) (st Stmt, ok bool, err error)
	// expect parses one of the protocol's own expectations (ok false: not
	// one).
	expect(p *cmdParser, what string, args []string) (e *Expect, ok bool, err error)
	// commands and expectations list every command word and every
	// expectation, for errors.
	commands() string
	expectations() string
}

// nodeUse says what a common form wants of the node it names.
type nodeUse uint8

const (
	useAny     nodeUse = iota // a selector's end, a partition group
	useCrash                  // crash, restart
	useTimeout                // timeout
)

// selTarget is what a protocol's own selector lets the parser set.
type selTarget interface {
	// setType reads a TYPE word (false: not a message type).
	setType(word string) bool
	// setEnds sets FROM->TO (-1: any).
	setEnds(from, to int)
	// filter reads one key=value filter (ok false: not one of its keys).
	filter(p *cmdParser, k, v string) (ok bool, err error)
}

// cmdParser reads one command for one cluster.
type cmdParser struct {
	l   lang
	cmd string
}

func (p *cmdParser) errf(format string, args ...any) error {
	return fmt.Errorf(p.cmd+": "+format, args...)
}

func (p *cmdParser) nargs(args []string, lo, hi int, usage string) error {
	if len(args) < lo || len(args) > hi {
		return p.errf("usage: %s", usage)
	}
	return nil
}

// parseLines reads the commands after the cluster line (at index first of
// lines) for protocol l: the one loop every protocol's script goes through.
func parseLines(sc *Script, lines []string, first int, l lang, errs ErrorList) (*Script, error) {
	fail := func(line int, format string, args ...any) {
		if len(errs) < maxErrors {
			errs = append(errs, &Error{File: sc.File, Line: line, Msg: fmt.Sprintf(format, args...)})
		}
	}
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
		st, err := parseStmt(l, text)
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
	if len(errs) > 0 {
		return sc, errs
	}
	return sc, nil
}

// parseStmt reads one command (not a cluster line) for protocol l.
func parseStmt(l lang, line string) (Stmt, error) {
	words := strings.Fields(StripComment(line))
	if len(words) == 0 {
		return Stmt{}, errors.New("empty command")
	}
	st := Stmt{Text: strings.Join(words, " ")}
	p := &cmdParser{l: l, cmd: words[0]}
	args := words[1:]
	a := &Action{}
	var err error
	switch words[0] {
	case "expect":
		st.Expect, err = p.expect(args)
		if err != nil {
			return Stmt{}, err
		}
		return st, nil
	case "deliver", "drop", "dup":
		a.Kind = map[string]Kind{"deliver": ActDeliver, "drop": ActDrop, "dup": ActDup}[words[0]]
		if len(args) == 0 {
			_, filters := l.selHelp()
			return Stmt{}, p.errf("usage: %s SEL (#N, TYPE, TYPE FROM->TO, FROM->TO, with * wildcards, then %s)", p.cmd, filters)
		}
		sel, err := p.selector(args)
		if err != nil {
			return Stmt{}, err
		}
		a.Sel = *sel
	case "timeout", "crash", "restart":
		if err := p.nargs(args, 1, 1, p.cmd+" NODE"); err != nil {
			return Stmt{}, err
		}
		use := useCrash
		a.Kind = map[string]Kind{"timeout": ActTimeout, "crash": ActCrash, "restart": ActRestart}[words[0]]
		if a.Kind == ActTimeout {
			use = useTimeout
		}
		id, err := l.node(p, args[0], use)
		if err != nil {
			return Stmt{}, err
		}
		a.Node = nodeID(id)
	case "tick":
		if err := p.nargs(args, 0, 1, "tick [N]"); err != nil {
			return Stmt{}, err
		}
		a.Kind, a.N = ActTick, 1
		if len(args) == 1 {
			n, err := strconv.Atoi(args[0])
			if err != nil || n < 1 || n > MaxTick {
				return Stmt{}, p.errf("ticks must be a whole number 1..%d, not %q", MaxTick, args[0])
			}
			a.N = n
		}
	case "heal":
		if err := p.nargs(args, 0, 0, "heal"); err != nil {
			return Stmt{}, err
		}
		a.Kind = ActHeal
	case "partition":
		a.Kind = ActPartition
		// | may touch names: "p1 a1|a2".
		args = strings.Fields(strings.ReplaceAll(strings.Join(args, " "), "|", " | "))
		if a.Groups, err = p.groups(args); err != nil {
			return Stmt{}, err
		}
	case "run":
		a.Kind, a.N = ActRun, DefaultRunMax
		if err := p.run(a, args); err != nil {
			return Stmt{}, err
		}
	default:
		own, ok, err := l.form(p, words)
		if err != nil {
			return Stmt{}, err
		}
		if !ok {
			return Stmt{}, fmt.Errorf("unknown command %q (commands: %s)", words[0], l.commands())
		}
		own.Text = st.Text
		if own.Action != nil && own.Action.Kind == ActProto {
			own.Action.Text = st.Text
		}
		return own, nil
	}
	st.Action = a
	return st, nil
}

// selector parses SEL: #N | TYPE [FROM->TO] | FROM->TO, then the
// protocol's key=value filters.
func (p *cmdParser) selector(args []string) (*Selector, error) {
	sel := p.l.newSel()
	types, filters := p.l.selHelp()
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
	t := sel.target()
	i := 0
	if !strings.Contains(args[0], "->") && !strings.Contains(args[0], "=") {
		if args[0] != "*" && !t.setType(args[0]) {
			return nil, p.errf("unknown message type %q (%s, or *)", args[0], types)
		}
		i++
	}
	if i < len(args) && strings.Contains(args[i], "->") {
		from, to, _ := strings.Cut(args[i], "->")
		f, err := p.endpoint(from)
		if err != nil {
			return nil, err
		}
		g, err := p.endpoint(to)
		if err != nil {
			return nil, err
		}
		t.setEnds(f, g)
		i++
	}
	for ; i < len(args); i++ {
		k, v, ok := strings.Cut(args[i], "=")
		if ok {
			known, err := t.filter(p, k, v)
			if err != nil {
				return nil, err
			}
			if known {
				continue
			}
		}
		return nil, p.errf("unexpected %q in selector (#N, TYPE, TYPE FROM->TO, FROM->TO, then %s)", args[i], filters)
	}
	return sel, nil
}

// endpoint reads one side of FROM->TO (-1: *).
func (p *cmdParser) endpoint(s string) (int, error) {
	if s == "*" {
		return -1, nil
	}
	if s == "" {
		return 0, p.errf("FROM->TO needs a node or * on each side")
	}
	return p.l.node(p, s, useAny)
}

func (p *cmdParser) groups(args []string) ([][]engine.NodeID, error) {
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
			id, err := p.l.node(p, name, useAny)
			if err != nil {
				return nil, err
			}
			cur = append(cur, nodeID(id))
		}
	}
	return groups, nil
}

func (p *cmdParser) run(a *Action, args []string) error {
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

// expect parses an expectation: the common ones here, the protocol's own
// through its lang.
func (p *cmdParser) expect(args []string) (*Expect, error) {
	if len(args) == 0 {
		return nil, p.errf("usage: expect %s ...", p.l.expectations())
	}
	what, args := args[0], args[1:]
	p.cmd = "expect " + what
	e := &Expect{Node: -1}
	switch what {
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
			for _, n := range p.l.invariants() {
				known = known || n == args[0]
			}
			if !known {
				return nil, p.errf("unknown invariant %q (known: %s)", args[0], strings.Join(p.l.invariants(), ", "))
			}
			e.Name = args[0]
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
	default:
		own, ok, err := p.l.expect(p, what, args)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, p.errf("unknown expectation (usage: expect %s ...)", p.l.expectations())
		}
		return own, nil
	}
	return e, nil
}
