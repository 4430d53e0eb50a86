package i18n

// The bug gallery's Raft section: for each of the nine switches, what rule
// of Figure 2 it bends (why it loses safety is raftcheck.BUG.why, kept with
// the checker's cases).
func init() {
	add(map[string]entry{
		"gallery.raft.commit_old_term.what":   {"The commit rule drops log[N].term == currentTerm: a leader commits an entry of an earlier term by counting its copies.", "提交规则去掉了 log[N].term == currentTerm：领导者靠数副本就提交一个较早任期的条目。"},
		"gallery.raft.no_log_check.what":      {"A voter skips the up-to-date test and grants any candidate of a higher term.", "投票者跳过“日志够新”的检查，投票给任何任期更高的候选者。"},
		"gallery.raft.forget_vote.what":       {"votedFor is not durable: a restarted server forgets whom it voted for in its term.", "votedFor 不持久化：重启的服务器忘记了自己在本任期投给了谁。"},
		"gallery.raft.volatile_log.what":      {"The log is not durable: a restarted server comes back empty.", "日志不持久化：重启的服务器回来时日志是空的。"},
		"gallery.raft.stale_append.what":      {"AppendEntries step 1 is skipped: a follower accepts an append from a leader of an older term.", "跳过 AppendEntries 第 1 步：跟随者接受来自旧任期领导者的追加。"},
		"gallery.raft.truncate_always.what":   {"A successful append cuts the follower's log after prevLogIndex, then appends, even where the entries already match.", "成功的追加总是把跟随者的日志截断到 prevLogIndex 之后再追加，即使条目已经一致。"},
		"gallery.raft.commit_beyond_new.what": {"AppendEntries step 5 sets commitIndex to min(leaderCommit, the local last index) instead of the index of the last new entry.", "AppendEntries 第 5 步把 commitIndex 设为 min(leaderCommit, 本地最后索引)，而不是最后一个新条目的索引。"},
		"gallery.raft.count_duplicates.what":  {"A candidate counts vote messages, not voters.", "候选者数的是投票消息，而不是投票者。"},
		"gallery.raft.no_step_down.what":      {"A leader that sees a higher term adopts it but stays leader.", "看到更高任期的领导者采用了该任期，却仍然当领导者。"},
	})
}
