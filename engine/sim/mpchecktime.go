package sim

import (
	"encoding/binary"
	"strconv"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
)

// What the engine-level model checker needs to let time pass (package
// check, lease and lock searches): one-step tick, pause and clock actions,
// and the time part of the canonical encoding.

// Tick lets one tick pass as one step.
func (s *MPSim) Tick() error {
	st := Stmt{Text: "tick", Action: &Action{Kind: ActTick, N: 1, Text: "tick"}}
	return s.apply(&st)
}

// Pause pauses node id as one step (a script's `pause N`).
func (s *MPSim) Pause(id mp.NodeID) error {
	return s.timeStep("pause "+s.p.cfg.Name(id), id, 0)
}

// SetRate sets node id's clock rate as one step (`clock N rate=R`); the
// rate must be within the cluster's drift.
func (s *MPSim) SetRate(id mp.NodeID, rate int) error {
	return s.timeStep("clock "+s.p.cfg.Name(id)+" rate="+strconv.Itoa(rate), id, rate)
}

// Paused reports whether node id is in a GC pause.
func (s *MPSim) Paused(id mp.NodeID) bool { return s.W.Paused(int(id)) }

// Rate returns node id's clock rate in percent.
func (s *MPSim) Rate(id mp.NodeID) int { return s.W.Rate(int(id)) }

// appendTime appends true time, every node's clock, rate and pause, and
// the deadlines of the timers of kind mp.TimerHeartbeat (a leader's
// heartbeat, a lock client's renew). The other kinds — election,
// step-down, client retry — are left out, and so is the random stream
// their jitter draws from: a search that ticks sets the cluster's
// timeout above its tick budget, so none of them can fire by the clock
// (`timeout N` fires them whatever their deadline).
func (c *MPCanon) appendTime(dst []byte, s *MPSim) []byte {
	w := s.W
	dst = binary.AppendUvarint(dst, uint64(w.now))
	for i := range w.group {
		p := byte(0)
		if w.Paused(i) {
			p = 1
		}
		dst = binary.AppendUvarint(dst, uint64(w.Clock(i)))
		dst = binary.AppendUvarint(dst, uint64(w.Rate(i)))
		dst = binary.AppendVarint(dst, int64(w.Timer(i, int(mp.TimerHeartbeat))))
		dst = append(dst, p)
	}
	return dst
}

// Resume ends node id's pause as one step (a script's `resume N`).
func (s *MPSim) Resume(id mp.NodeID) error {
	return s.timeStep("resume "+s.p.cfg.Name(id), id, 0)
}

// timeStep performs a time form (text: pause, resume or clock) on node id
// as the script would.
func (s *MPSim) timeStep(text string, id mp.NodeID, rate int) error {
	st := Stmt{Text: text, Action: &Action{Kind: ActProto, Node: nodeID(int(id)), N: rate, Text: text}, own: &mpForm{time: true, node: int(id), to: mp.None}}
	return s.apply(&st)
}
