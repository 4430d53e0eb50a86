package sim

import (
	"strconv"
	"strings"

	rf "github.com/paxviz/paxviz/engine/raft"
)

// Raft expectations in words, for a lesson's goal in the browser: Want
// says the claim (a "want.*" key of the translation table with its
// arguments), EvalDetail whether it holds and what the state is instead
// ("got.*"). i18n/raftlessons.go has the words in English and Chinese.

// Want says a Raft expect statement in words. A form Raft shares with
// every protocol (safe, violation, inflight) uses the common keys; one
// without words falls back to "want.expect" with the script text.
func (s *RaftSim) Want(st *Stmt) (key string, args map[string]string) {
	e := st.Expect
	if e == nil {
		return "want.expect", map[string]string{"text": st.Text}
	}
	re, ok := e.own.(*raftExpect)
	if !ok {
		switch e.Kind {
		case ExpSafe:
			return "want.safe", map[string]string{}
		case ExpViolation:
			if e.Name == "" {
				return "want.violation_any", map[string]string{}
			}
			return "want.violation", map[string]string{"name": e.Name}
		case ExpInFlight:
			if e.Sel == nil {
				return "want.inflight", map[string]string{"n": strconv.Itoa(e.N)}
			}
		}
		return "want.expect", map[string]string{"text": st.Text}
	}
	a := map[string]string{"node": s.nodeName(re.node), "n": strconv.Itoa(re.n), "t": strconv.Itoa(int(re.term))}
	switch re.what {
	case "role":
		a["role"] = re.role.String()
		return "want.raft_role_" + re.role.String(), a
	case "term":
		return "want.raft_term", a
	case "commit":
		return "want.raft_commit", a
	case "applied":
		return "want.raft_applied", a
	case "log":
		if re.word == "[]" {
			return "want.raft_log_empty", a
		}
		a["log"] = re.word
		return "want.raft_log", a
	case "committed":
		if re.word == "none" {
			return "want.raft_committed_none", a
		}
		a["v"] = re.word
		return "want.raft_committed", a
	case "leader":
		switch {
		case re.node < 0 && re.term == 0:
			return "want.raft_leader_none", a
		case re.node < 0:
			return "want.raft_leader_none_t", a
		case re.term == 0:
			return "want.raft_leader", a
		}
		return "want.raft_leader_t", a
	}
	return "want.expect", map[string]string{"text": st.Text}
}

// EvalDetail reports whether a Raft expect statement holds, and what the
// state is, as a "got.*" key and its arguments.
func (s *RaftSim) EvalDetail(st *Stmt) (ok bool, key string, args map[string]string) {
	e := st.Expect
	if e == nil {
		return false, "got.text", map[string]string{"text": st.Text}
	}
	re, own := e.own.(*raftExpect)
	if !own {
		var broken []string
		for _, v := range s.p.k.Violations() {
			broken = append(broken, v.Invariant)
		}
		if ok, key, args := s.W.evalCommon(e, s, broken); key != "" {
			return ok, key, args
		}
		ok, text := s.eval(e)
		return ok, "got.text", map[string]string{"text": text}
	}
	ok, text := s.evalOwn(re)
	p := s.p
	var sv *rf.Server
	if re.node >= 0 && re.node < len(p.st.Servers) {
		sv = &p.st.Servers[re.node]
	}
	a := map[string]string{"node": s.nodeName(re.node)}
	switch {
	case re.what == "role" && sv != nil:
		return ok, "got.raft_role_" + sv.V.Role.String(), a
	case re.what == "term" && sv != nil:
		a["n"] = strconv.Itoa(int(sv.D.Term))
		return ok, "got.raft_term", a
	case re.what == "commit" && sv != nil:
		a["n"] = strconv.Itoa(int(sv.V.CommitIndex))
		return ok, "got.raft_commit", a
	case re.what == "applied" && sv != nil:
		a["n"] = strconv.Itoa(int(sv.V.LastApplied))
		return ok, "got.raft_applied", a
	case re.what == "log" && sv != nil:
		if len(sv.D.Log) == 0 {
			return ok, "got.raft_log_empty", a
		}
		a["log"] = rf.FormatLog(sv.D.Log)
		return ok, "got.raft_log", a
	case re.what == "committed":
		a["n"] = strconv.Itoa(re.n)
		c, has := p.k.Committed(int32(re.n))
		if !has {
			return ok, "got.raft_committed_none", a
		}
		a["entry"] = c.Entry.String()
		return ok, "got.raft_committed", a
	case re.what == "leader":
		var ls []string
		for _, l := range p.st.Leaders() {
			ls = append(ls, s.p.cfg.Name(l)+" (t="+strconv.Itoa(int(p.st.Servers[l].D.Term))+")")
		}
		if len(ls) == 0 {
			return ok, "got.raft_leaders_none", a
		}
		a["v"] = strings.Join(ls, ", ")
		return ok, "got.raft_leaders", a
	}
	return ok, "got.text", map[string]string{"text": text}
}

func (s *RaftSim) nodeName(i int) string {
	if i < 0 || i >= len(s.p.st.Servers) {
		return ""
	}
	return s.p.cfg.Name(rf.NodeID(i))
}

// EvalDetail judges a lesson goal's expect line in the history's current
// state (RaftSim.EvalDetail).
func (h *RaftHistory) EvalDetail(st *Stmt) (ok bool, key string, args map[string]string) {
	return h.h.cur.s.EvalDetail(st)
}

// Want says a Raft expect line in words (RaftSim.Want); it depends only on
// the cluster, not on the state.
func (h *RaftHistory) Want(st *Stmt) (key string, args map[string]string) {
	return h.h.cur.s.Want(st)
}
