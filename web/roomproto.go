package web

// Rooms on every protocol. A room's shared session is an ordinary Session,
// so a Multi-Paxos or Raft room is the same room (the same socket, polls,
// forks, shares, limits and store record) over a session whose history is
// a logHistory (mpview.go, raftview.go). What differs is read here from
// the session's view or through logHistory, never from a protocol
// package: the protocol a room runs, the step a session is at, a "who
// leads next" poll's choices, and projecting a shared fork.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/paxviz/paxviz/engine/sim"
)

// viewProtocol returns a state frame's protocol ("" for single-decree
// Paxos, "multipaxos", "raft").
func viewProtocol(b []byte) string {
	var v struct {
		Protocol string `json:"protocol"`
	}
	json.Unmarshal(b, &v)
	return v.Protocol
}

// curStep is the session's step, whatever its protocol (session
// goroutine).
func (s *Session) curStep() int {
	if s.mp != nil {
		return s.mp.Step()
	}
	return s.h.Step()
}

// leaderChoices are a "who leads next" poll's choices: the servers that
// are up, in the view's order (by node index). A single-decree cluster
// has no servers (its nodes are proposers, acceptors and learners), so
// it has no such poll.
func leaderChoices(st sim.StateJSON) []string {
	var out []string
	for _, n := range st.Nodes {
		if n.Role == "server" && n.Up {
			out = append(out, n.Name)
		}
	}
	return out
}

// projectLog puts a shared fork of a Multi-Paxos or Raft room on the
// projector: its script replays (within the session's event budget and
// replay time) into a fresh history that replaces the room's; on an error
// the room's state is left as it was.
func (rc *roomConn) projectLog(ctx context.Context, script string) error {
	h, spent, err := logHistoryFromScript(ctx, script)
	if err != nil {
		return rc.errT("room.err_replay", "why", err.Error())
	}
	return rc.lr.sess.call(ctx, func(s *Session) {
		if s.mp == nil {
			return // cannot happen: the room's protocol never changes
		}
		s.mp, s.events = h, spent
		s.mpLast, s.omitted = nil, 0
		s.playing, s.replaying, s.pausedBug = false, false, false
		s.lastAct = ""
		s.afterChange()
		s.publish()
	})
}

// sameProtocol refuses a shared copy of another protocol than the room's
// (the room's protocol never changes).
func (rc *roomConn) sameProtocol(script string) error {
	sc, err := sim.Parse("script", script)
	if err != nil {
		return rc.errT("room.err_replay", "why", err.Error())
	}
	if sc.Protocol != rc.lr.proto {
		return rc.errT("room.err_other_proto", "room", protoName(rc.lr.proto), "copy", protoName(sc.Protocol))
	}
	return nil
}

func protoName(p string) string {
	if p == "" {
		return "paxos"
	}
	return p
}

// logHistoryFromScript replays a Multi-Paxos or Raft script (its cluster
// line, then action lines; expect lines are skipped) within
// MaxSessionEvents and ReplayTimeLimit.
func logHistoryFromScript(ctx context.Context, src string) (logHistory, int, error) {
	rctx, cancel := context.WithTimeout(ctx, ReplayTimeLimit)
	defer cancel()
	var h logHistory
	spent := 0
	for i, raw := range strings.Split(src, "\n") {
		line := strings.TrimSpace(sim.StripComment(strings.TrimSuffix(raw, "\r")))
		if line == "" || line == "expect" || strings.HasPrefix(line, "expect ") {
			continue
		}
		if h == nil {
			var err error
			if h, err = newLogHistory(line); err != nil {
				return nil, 0, &sim.Error{File: "script", Line: i + 1, Msg: err.Error()}
			}
			continue
		}
		if err := rctx.Err(); err != nil {
			return nil, 0, fmt.Errorf("the shared copy takes more than %v to replay", ReplayTimeLimit)
		}
		if err := mpLineBudget(line, MaxSessionEvents-spent); err != nil {
			return nil, 0, &sim.Error{File: "script", Line: i + 1, Msg: err.Error()}
		}
		evs, err := h.Do(line)
		if err != nil && !errors.Is(err, sim.ErrNothing) {
			return nil, 0, &sim.Error{File: "script", Line: i + 1, Msg: err.Error()}
		}
		spent += len(evs)
		if spent > MaxSessionEvents {
			return nil, 0, fmt.Errorf("the shared copy needs more than %d events", MaxSessionEvents)
		}
	}
	if h == nil {
		return nil, 0, &sim.Error{File: "script", Line: 1, Msg: "no cluster line"}
	}
	return h, spent, nil
}
