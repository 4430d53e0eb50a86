package raft

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// A breadth-first explorer over whole worlds (states, in-flight multiset,
// checker), for tests only: it confirms raft.md §6's "Needs" — each bug is
// found at its sizes — and measures how far the correct engine is clean.
// check/ owns the real explorer; this one validates the engine against the
// contract.

type bounds struct {
	servers, terms, cmds, crashes, dups, drops int
	// fly caps the in-flight messages (heartbeat rounds would grow it
	// without end).
	fly int
}

type xnode struct {
	st                         State
	k                          *Checker
	fly                        []Message
	crashes, dups, drops, cmds int
	parent                     *xnode
	action                     string
}

func (n *xnode) key(cfg *Config) string {
	b := n.st.AppendKey(cfg, nil)
	b = n.k.AppendKey(b)
	descs := make([]string, len(n.fly))
	for i := range n.fly {
		descs[i] = cfg.Describe(&n.fly[i])
	}
	slices.Sort(descs)
	b = append(b, strings.Join(descs, "|")...)
	b = append(b, byte(n.crashes), byte(n.dups), byte(n.drops), byte(n.cmds))
	return string(b)
}

func (n *xnode) path() []string {
	var p []string
	for ; n.parent != nil; n = n.parent {
		p = append(p, n.action)
	}
	slices.Reverse(p)
	return p
}

// explore returns the first node (fewest actions) that breaks an
// invariant, or nil after exhausting the bounds, and the states visited;
// it gives up (nil, -1) past maxStates.
func explore(cfg *Config, bd bounds, maxStates int) (*xnode, int) {
	root := &xnode{st: NewState(cfg), k: NewChecker(cfg)}
	seen := map[string]bool{root.key(cfg): true}
	queue := []*xnode{root}
	var out Out
	out.Quiet = true
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		var found *xnode
		try := func(action string, f func(c *xnode) bool) {
			if found != nil {
				return
			}
			c := &xnode{st: n.st.Clone(), k: n.k.Clone(), fly: slices.Clone(n.fly), crashes: n.crashes, dups: n.dups, drops: n.drops, cmds: n.cmds, parent: n, action: action}
			out.Reset()
			if !f(c) {
				return
			}
			c.fly = append(c.fly, out.Msgs...)
			if len(c.fly) > bd.fly {
				return
			}
			if c.k.ObserveOut(0, &out) > 0 || len(c.k.Violations()) > 0 {
				found = c
				return
			}
			key := c.key(cfg)
			if seen[key] {
				return
			}
			seen[key] = true
			queue = append(queue, c)
		}
		done := map[string]bool{}
		for i := range n.fly {
			m := n.fly[i]
			d := cfg.Describe(&m)
			if done[d] {
				continue
			}
			done[d] = true
			try("deliver "+d, func(c *xnode) bool {
				c.fly = slices.Delete(c.fly, i, i+1)
				if c.st.Up(cfg, m.To) {
					_ = c.st.Step(cfg, &m, &out)
				}
				return true
			})
			if n.drops < bd.drops {
				try("drop "+d, func(c *xnode) bool { c.fly = slices.Delete(c.fly, i, i+1); c.drops++; return true })
			}
			if n.dups < bd.dups {
				try("dup "+d, func(c *xnode) bool { c.fly = append(c.fly, m); c.dups++; return true })
			}
		}
		for i := range cfg.Servers {
			id := NodeID(i)
			s := &n.st.Servers[i]
			name := cfg.Name(id)
			if !s.Up {
				try("restart "+name, func(c *xnode) bool { return c.st.Restart(cfg, id, &out) == nil })
				continue
			}
			if s.V.Role == RoleLeader || int(s.D.Term) < bd.terms {
				try("timeout "+name, func(c *xnode) bool { return c.st.Timeout(cfg, id, TimerElection, &out) == nil })
			}
			if s.V.Role == RoleLeader && n.cmds < bd.cmds {
				v := string(rune('A' + n.cmds))
				try("propose "+name+" "+v, func(c *xnode) bool { c.cmds++; return c.st.Propose(cfg, id, v, &out) == nil })
			}
			if n.crashes < bd.crashes {
				try("crash "+name, func(c *xnode) bool { c.crashes++; return c.st.Crash(cfg, id, &out) == nil })
			}
		}
		// Only the frontier keeps states: a parent is kept for its action.
		n.st, n.k, n.fly = State{}, nil, nil
		if found != nil {
			return found, len(seen)
		}
		if len(seen) > maxStates {
			return nil, -1
		}
	}
	return nil, len(seen)
}

// TestExploreFindsBugs: at raft.md §6's sizes (noop=0, default batch,
// probe as listed) the explorer finds each bug it can within a million
// states, and the invariant §6 names breaks first. Measured (2 shared
// cores): no_log_check 11 actions / 73,904 states / 10 s; forget_vote 5 /
// 399; no_step_down 6 / 120; volatile_log 12 / 882,630 / 181 s
// (RAFT_EXPLORE=long). count_duplicates (4 servers, two dups) gives up past
// a million states, and so would stale_append, truncate_always,
// commit_beyond_new and commit_old_term: this explorer has no symmetry or
// partial-order reduction. Their §6 schedules are in bugs_test.go; the
// shortest counterexamples are check/'s job.
func TestExploreFindsBugs(t *testing.T) {
	if os.Getenv("RAFT_EXPLORE") == "" {
		t.Skip("set RAFT_EXPLORE=1 (or long): a breadth-first search of seconds to minutes")
	}
	long := os.Getenv("RAFT_EXPLORE") == "long"
	cases := []struct {
		bug, first, opts string
		bd               bounds
		long             bool
	}{
		{"no_log_check", InvLeaderCompleteness, "", bounds{servers: 3, terms: 2, cmds: 1}, false},
		{"forget_vote", InvOneVotePerTerm, "", bounds{servers: 3, terms: 1, crashes: 1}, false},
		{"no_step_down", InvElectionSafety, "", bounds{servers: 2, terms: 2}, false},
		{"volatile_log", InvLeaderCompleteness, "", bounds{servers: 3, terms: 2, cmds: 1, crashes: 1}, true},
	}
	for _, tc := range cases {
		if tc.long && !long {
			continue
		}
		if only := os.Getenv("RAFT_EXPLORE_BUG"); only != "" && only != tc.bug {
			continue
		}
		bd := tc.bd
		bd.fly = 6
		cfg := cfgOf(t, bd.servers, "noop=0 "+tc.opts+" bugs="+tc.bug)
		n, states := explore(cfg, bd, 1_000_000)
		if n == nil {
			t.Errorf("%s: nothing found (%d states)", tc.bug, states)
			continue
		}
		vs := n.k.Violations()
		t.Logf("%s: %s after %d actions, %d states:\n  %s", tc.bug, vs[0].Invariant, len(n.path()), states, strings.Join(n.path(), "\n  "))
		if vs[0].Invariant != tc.first {
			t.Errorf("%s: %s broke first, §6 says %s", tc.bug, vs[0].Invariant, tc.first)
		}
	}
}

// TestExploreCorrectClean: the correct engine exhausts 3 servers, 2 terms,
// 1 command, at most 4 messages in flight with no violation (586,014
// states, about two minutes; RAFT_EXPLORE=long). With one crash more it
// passes a million states.
func TestExploreCorrectClean(t *testing.T) {
	if os.Getenv("RAFT_EXPLORE") != "long" {
		t.Skip("set RAFT_EXPLORE=long")
	}
	for _, bd := range []bounds{{servers: 3, terms: 2, cmds: 1, fly: 4}} {
		cfg := cfgOf(t, bd.servers, "noop=0")
		n, states := explore(cfg, bd, 1_000_000)
		if n != nil {
			t.Fatalf("%+v: %s after %s", bd, n.k.Violations()[0].Describe(cfg), strings.Join(n.path(), "; "))
		}
		if states < 0 {
			t.Fatalf("%+v: gave up past 1,000,000 states", bd)
		}
		t.Logf("%+v: clean, %s states", bd, strconv.Itoa(states))
	}
}
