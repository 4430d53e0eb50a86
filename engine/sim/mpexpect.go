package sim

import (
	"strconv"
	"strings"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
)

// Multi-Paxos expectations in words, for a lesson's goal in the browser:
// the claim (a "want.*" key of the translation table with its arguments)
// and, after evaluation, what the state is ("got.*"). Single-decree goals
// are said by web/errtext.go and Sim.EvalDetail; a protocol without words
// of its own falls back to "want.expect" and "got.text" with the script
// text and the English description.

// ExpectWords says an expect statement of this cluster in words: a key
// and its arguments. For a single-decree cluster it returns "" (the web
// says those itself).
func (c AnyCluster) ExpectWords(st *Stmt) (key string, args map[string]string) {
	if c.Protocol == ProtoRaft {
		return NewRaft(c.raft).Want(st) // raftwords.go
	}
	e := st.Expect
	if c.Protocol == ProtoPaxos {
		return "", nil
	}
	text := map[string]string{"text": st.Text}
	if e == nil {
		return "want.expect", text
	}
	a := map[string]string{}
	switch e.Kind {
	case ExpSafe:
		return "want.safe", a
	case ExpViolation:
		if e.Name == "" {
			return "want.violation_any", a
		}
		a["name"] = e.Name
		return "want.violation", a
	case ExpInFlight:
		a["n"] = strconv.Itoa(e.N)
		if e.Sel != nil {
			// "expect inflight N SEL...": the selector as written.
			w := strings.Fields(st.Text)
			a["sel"] = strings.Join(w[min(3, len(w)):], " ")
			return "want.inflight_sel", a
		}
		return "want.inflight", a
	}
	own, isMP := e.own.(*mpExpect)
	if c.Protocol != ProtoMultiPaxos || e.Kind != ExpProto || !isMP {
		return "want.expect", text
	}
	cfg, err := c.mp.config()
	if err != nil {
		return "want.expect", text
	}
	return mpWant(cfg, own, text)
}

func mpWant(cfg *mp.Config, e *mpExpect, text map[string]string) (string, map[string]string) {
	name := ""
	if e.node >= 0 && e.node < cfg.Nodes() {
		name = cfg.Name(mp.NodeID(e.node))
	}
	a := map[string]string{"node": name, "slot": strconv.Itoa(int(e.slot))}
	word := func(i int) string {
		if i < len(e.words) {
			return e.words[i]
		}
		return ""
	}
	switch e.what {
	case "chosen":
		if word(0) == "none" {
			return "want.mp_chosen_none", a
		}
		a["cmd"] = word(0)
		return "want.mp_chosen", a
	case "log":
		if len(e.words) == 1 && e.words[0] == "none" {
			return "want.mp_log_none", a
		}
		a["log"] = strings.Join(e.words, " ")
		return "want.mp_log", a
	case "value":
		a["k"], a["v"] = word(0), word(1)
		return "want.mp_value", a
	case "reply":
		a["r"] = word(0)
		if word(0) == "none" {
			return "want.mp_reply_none", a
		}
		if !e.id.IsZero() {
			a["id"] = e.id.String()
			return "want.mp_reply_id", a
		}
		return "want.mp_reply", a
	case "leader":
		if e.node < 0 {
			return "want.mp_leader_none", a
		}
		return "want.mp_leader", a
	case "promised":
		if e.b.IsZero() {
			return "want.promised_none", a
		}
		a["b"] = e.b.String()
		return "want.promised", a
	case "vote":
		if len(e.words) == 0 {
			return "want.mp_vote_none", a
		}
		a["b"], a["cmd"] = e.b.String(), word(0)
		return "want.mp_vote", a
	case "lease":
		if len(e.words) == 2 { // a lock client's belief (mplock.go)
			return lockWant(e, a)
		}
		if word(0) == "yes" {
			return "want.mp_lease_yes", a
		}
		return "want.mp_lease_no", a
	case "stored":
		return lockWant(e, a)
	}
	return "want.expect", text
}

// EvalDetail evaluates an expect statement in the current state: whether
// it holds, and what the state is in words (a "got.*" key and its
// arguments).
func (h *MPHistory) EvalDetail(st *Stmt) (ok bool, key string, args map[string]string) {
	if st.Expect == nil {
		return false, "got.unknown", nil
	}
	return h.cur.s.evalDetail(st.Expect)
}

func (s *MPSim) evalDetail(x *Expect) (bool, string, map[string]string) {
	if ok, key, args := s.W.evalCommon(x, s, s.broken()); key != "" {
		return ok, key, args
	}
	ok, got := s.eval(x)
	e, isMP := x.own.(*mpExpect)
	if !isMP {
		return ok, "got.text", map[string]string{"text": got}
	}
	cfg := s.p.cfg
	name := ""
	if e.node >= 0 && e.node < cfg.Nodes() {
		name = cfg.Name(mp.NodeID(e.node))
	}
	a := map[string]string{"node": name, "slot": strconv.Itoa(int(e.slot))}
	orNone := func(ws []string) string {
		if len(ws) == 0 {
			return "none"
		}
		return strings.Join(ws, " ")
	}
	switch e.what {
	case "chosen":
		var cs []string
		for _, c := range s.p.k.Chosen(e.slot) {
			cs = append(cs, c.String())
		}
		a["cmd"] = orNone(cs)
		return ok, "got.mp_chosen", a
	case "log":
		ws := s.logWords(e.node)
		if len(ws) == 0 {
			return ok, "got.mp_log_none", a
		}
		a["log"] = strings.Join(ws, " ")
		return ok, "got.mp_log", a
	case "value":
		a["k"], a["v"] = e.words[0], s.p.st.Servers[e.node].V.KV.Get(e.words[0])
		return ok, "got.mp_value", a
	case "reply":
		c := s.p.st.Client(cfg, mp.NodeID(e.node))
		if c.Last.IsZero() {
			return ok, "got.mp_reply_none", a
		}
		a["r"], a["id"] = c.LastResult, c.Last.String()
		return ok, "got.mp_reply_id", a
	case "leader":
		var ls []string
		for _, l := range s.p.st.Leaders() {
			ls = append(ls, cfg.Name(l))
		}
		if len(ls) == 0 {
			return ok, "got.mp_leaders_none", a
		}
		a["v"] = strings.Join(ls, ", ")
		return ok, "got.mp_leaders", a
	case "promised":
		a["b"] = s.p.st.Servers[e.node].D.Promised.String()
		return ok, "got.promised", a
	case "vote":
		v := s.p.st.Servers[e.node].Vote(e.slot)
		if v.B.IsZero() {
			return ok, "got.mp_vote_none", a
		}
		a["b"], a["cmd"] = v.B.String(), v.Cmd.String()
		return ok, "got.mp_vote", a
	case "lease":
		if len(e.words) == 2 { // a lock client's belief (mplock.go)
			return ok, "got.mp_lock", s.lockGot(e, a)
		}
		sv := &s.p.st.Servers[e.node]
		a["clock"] = clockText(s.W.Clock(e.node))
		if sv.V.Lease > 0 && sv.V.Role == mp.RoleLeader {
			a["until"] = mp.ClockText(sv.V.Lease)
			return ok, "got.mp_lease", a
		}
		return ok, "got.mp_lease_none", a
	case "stored":
		return ok, "got.mp_stored", s.lockGot(e, a)
	}
	return ok, "got.text", map[string]string{"text": got}
}
