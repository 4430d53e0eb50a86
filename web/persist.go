package web

import (
	"context"
	"encoding/json"
	"time"

	"github.com/paxviz/paxviz/store"
)

// Durability of ordinary sessions (sandbox, lesson, gallery, students'
// forks): every second the saver writes the script of each session that
// changed, and deletes the records of sessions that ended; on start the
// server re-creates every stored session under its old id, so open pages
// reconnect to the same /ws/{id}. A lesson session keeps its lesson and
// step. (A gallery session comes back as a plain session at the same
// state.)
type sessionSaver struct {
	s     *Server
	every time.Duration
	saved map[string]uint64 // session id → seq last written
}

// sessionRecord is what the store keeps of a session.
type sessionRecord struct {
	Script     string `json:"script"`
	Lesson     string `json:"lesson,omitempty"`
	LessonLang string `json:"lesson_lang,omitempty"`
	LessonStep int    `json:"lesson_step,omitempty"`
	// Answer is the chosen answer of the step's question (1-based; 0:
	// none); Revealed and Solved say the prediction was revealed and the
	// solution shown.
	Answer   int  `json:"answer,omitempty"`
	Revealed bool `json:"revealed,omitempty"`
	Solved   bool `json:"solved,omitempty"`
	// Seq is the session's frame number when saved: the restored session
	// numbers its frames past it, so an open page (which ignores frames
	// older than the one it has) takes the restored state.
	Seq uint64 `json:"seq"`
}

// seqMargin covers frames sent after the last save of a session that was
// not shut down cleanly.
const seqMargin = 1 << 20

func newSessionSaver(s *Server) *sessionSaver {
	return &sessionSaver{s: s, every: time.Second, saved: map[string]uint64{}}
}

// restore re-creates the stored sessions.
func (sv *sessionSaver) restore(st store.Store) {
	type rec struct {
		id string
		r  sessionRecord
	}
	var recs []rec
	if err := st.List(store.Sessions, func(key string, val []byte) error {
		var r sessionRecord
		if json.Unmarshal(val, &r) == nil {
			recs = append(recs, rec{key, r})
		}
		return nil
	}); err != nil {
		sv.s.log.Error("restore sessions", "err", err)
	}
	for _, r := range recs {
		id, rr := r.id, r.r
		sess, err := sv.s.reg.Create(context.Background(), CreateOptions{Src: rr.Script, Setup: func(sess *Session) error {
			sess.ID = id
			sess.seq = rr.Seq + seqMargin
			sv.s.setupRecord(sess, rr)
			return nil
		}})
		if err != nil {
			sv.s.log.Warn("stored session not restored", "id", id, "err", err)
			st.Delete(store.Sessions, id)
			continue
		}
		sv.saved[sess.ID] = 0
	}
}

// pass writes what changed since the last pass and forgets ended
// sessions.
func (sv *sessionSaver) pass(st store.Store) {
	reg := sv.s.reg
	reg.mu.Lock()
	live := make([]*Session, 0, len(reg.sessions))
	for _, s := range reg.sessions {
		live = append(live, s)
	}
	reg.mu.Unlock()
	seen := make(map[string]bool, len(live))
	for _, sess := range live {
		seen[sess.ID] = true
		last, known := sv.saved[sess.ID]
		var rec sessionRecord
		var seq uint64
		changed := false
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := sess.call(ctx, func(s *Session) {
			seq = s.seq
			if known && seq == last {
				return
			}
			changed = true
			rec = s.record()
		})
		cancel()
		if err != nil || !changed {
			continue
		}
		b, _ := json.Marshal(rec)
		if err := st.Put(store.Sessions, sess.ID, b); err != nil {
			sv.s.log.Error("save session", "id", sess.ID, "err", err)
			continue
		}
		sv.saved[sess.ID] = seq
	}
	for id := range sv.saved {
		if !seen[id] {
			if err := st.Delete(store.Sessions, id); err == nil {
				delete(sv.saved, id)
			}
		}
	}
}

// run saves every sv.every until ctx ends, then once more.
func (sv *sessionSaver) run(ctx context.Context, st store.Store) {
	t := time.NewTicker(sv.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			sv.pass(st)
			return
		case <-t.C:
			sv.pass(st)
		}
	}
}
