package i18n

// Words added by the polish pass: the narration of a commit that
// bugs=commit_old_term makes (a leader counts copies of an entry of an
// earlier term, which correct Raft never does).
func init() {
	add(map[string]entry{
		"note.raft.commit.old_term": {"leader {node}'s commitIndex rises to {i} on copies of an entry of the earlier term {t2}, not of its own term {t}: correct Raft would not commit it yet", "领导者 {node} 的 commitIndex 升到 {i}，依据的是较早任期 {t2} 的条目的副本数，而非它本任期 {t} 的条目：正确的 Raft 此时还不会提交它"},
	})
}
