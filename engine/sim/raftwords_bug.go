package sim

import (
	"strconv"

	rf "github.com/paxviz/paxviz/engine/raft"
)

// oldTermCommit words a leader's commit that bugs=commit_old_term made:
// the note before it says the leader counted copies of an entry of an
// earlier term at that index, so "an entry of its own term is stored on a
// majority" would be false; the narration says what happened instead.
func oldTermCommit(n *Narration, prev, cur *rf.Note) {
	if cur.Kind != rf.NoteCommit || cur.Peer != cur.Node || prev.Kind != rf.NoteBugActs ||
		prev.Bug != rf.BugCommitOldTerm || prev.Node != cur.Node || prev.Index != cur.Index {
		return
	}
	n.Key = "note.raft.commit.old_term"
	n.Args["t"] = strconv.Itoa(int(prev.Term))
	n.Args["t2"] = strconv.Itoa(int(prev.Term2))
}
