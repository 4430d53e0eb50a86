package sim

import (
	"strconv"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
)

// The lock service's expectations in words, for a lesson's goal in the
// browser (mpexpect.go; i18n/locklesson.go has the sentences):
// `expect lease C L yes|no` is a client's belief in a lock, judged on its
// own clock; `expect stored K V [max=T]` is d1's value and max token.

// lockWant says a lock expectation: a "want.mp_lock*" or "want.mp_stored*"
// key with a holding the node's name.
func lockWant(e *mpExpect, a map[string]string) (string, map[string]string) {
	if e.what == "stored" {
		a["k"], a["v"] = e.words[0], e.words[1]
		if e.n >= 0 {
			a["n"] = strconv.Itoa(e.n)
			return "want.mp_stored_max", a
		}
		return "want.mp_stored", a
	}
	a["lock"] = e.words[0]
	if e.words[1] == "yes" {
		return "want.mp_lock_yes", a
	}
	return "want.mp_lock_no", a
}

// lockGot says what the state is for a lock expectation: d1's value and
// max token of the key, or the client's clock and its belief in the lock
// (token 0: none; until: when the belief ends on its clock).
func (s *MPSim) lockGot(e *mpExpect, a map[string]string) map[string]string {
	ls := s.p.st.Lock
	if e.what == "stored" {
		v, m := ls.Stored(e.words[0])
		a["k"], a["v"], a["n"] = e.words[0], v, strconv.Itoa(int(m))
		return a
	}
	b := ls.Belief(s.p.cfg.ClientIndex(mp.NodeID(e.node)), e.words[0])
	a["lock"], a["clock"] = e.words[0], clockText(s.W.Clock(e.node))
	a["n"], a["until"] = strconv.Itoa(int(b.Token)), "-"
	if b.Token != 0 {
		a["until"] = mp.ClockText(b.Until)
	}
	return a
}
