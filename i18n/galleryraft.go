package i18n

// The bug gallery's Raft section: for each of the nine switches, what rule
// of Figure 2 it bends and why that loses safety.
func init() {
	add(map[string]entry{
		"gallery.raft.commit_old_term.what":   {"The commit rule drops log[N].term == currentTerm: a leader commits an entry of an earlier term by counting its copies.", "提交规则去掉了 log[N].term == currentTerm：领导者靠数副本就提交一个较早任期的条目。"},
		"gallery.raft.commit_old_term.why":    {"Figure 8 of the Raft paper: an entry of an old term can sit on a majority and still be overwritten, because a server whose last entry has a newer term can win an election without it. Only an entry of the leader's own term, once on a majority, is safe to commit; older ones are committed indirectly behind it.", "Raft 论文的图 8：一个旧任期的条目即使已在多数派上，仍可能被覆盖，因为最后一个条目任期更新的服务器不需要它也能赢得选举。只有领导者自己任期的条目到达多数派后才能安全提交；更早的条目借它间接提交。"},
		"gallery.raft.no_log_check.what":      {"A voter skips the up-to-date test and grants any candidate of a higher term.", "投票者跳过“日志够新”的检查，投票给任何任期更高的候选者。"},
		"gallery.raft.no_log_check.why":       {"The election restriction is what makes a new leader hold every committed entry: a majority of voters each check that the candidate's log is at least as up-to-date as theirs, and one of them holds each committed entry. Without the check a server missing a committed entry becomes leader and overwrites it.", "选举限制保证新领导者持有每个已提交的条目：多数派中的每个投票者都检查候选者的日志至少和自己的一样新，而其中必有一个持有每个已提交条目。没有这项检查，缺少已提交条目的服务器也能当选，并覆盖该条目。"},
		"gallery.raft.forget_vote.what":       {"votedFor is not durable: a restarted server forgets whom it voted for in its term.", "votedFor 不持久化：重启的服务器忘记了自己在本任期投给了谁。"},
		"gallery.raft.forget_vote.why":        {"One vote per term is what makes one leader per term: two majorities intersect in a server that voted once. A server that restarts voteless can vote again in the same term, for another candidate, and both win: two leaders in one term (Paxos's promise_not_durable).", "每个任期只投一票，才保证每个任期只有一位领导者：两个多数派必在一台只投过一票的服务器处相交。重启后丢了投票记录的服务器可以在同一任期再投给另一位候选者，于是两人都赢了：同一任期两位领导者（即 Paxos 的 promise_not_durable）。"},
		"gallery.raft.volatile_log.what":      {"The log is not durable: a restarted server comes back empty.", "日志不持久化：重启的服务器回来时日志是空的。"},
		"gallery.raft.volatile_log.why":       {"A server that acknowledged an entry counted towards its commit. If it forgets the entry on a restart, the majority that committed it no longer holds it, and a leader can be elected without it (Paxos's volatile_acceptor).", "确认过某条目的服务器被计入了该条目的提交。若它重启后忘了这个条目，提交它的多数派就不再都持有它，没有它的服务器也可能当选领导者（即 Paxos 的 volatile_acceptor）。"},
		"gallery.raft.stale_append.what":      {"AppendEntries step 1 is skipped: a follower accepts an append from a leader of an older term.", "跳过 AppendEntries 第 1 步：跟随者接受来自旧任期领导者的追加。"},
		"gallery.raft.stale_append.why":       {"A deposed leader's appends can still be in flight. Refusing a term below currentTerm is what stops them; accepting a held old append replaces an entry the new leader committed.", "被废黜的领导者的追加请求可能仍在网络中。拒绝任期小于 currentTerm 的请求才能挡住它们；接受一条迟到的旧追加，会替换掉新领导者已提交的条目。"},
		"gallery.raft.truncate_always.what":   {"A successful append cuts the follower's log after prevLogIndex, then appends, even where the entries already match.", "成功的追加总是把跟随者的日志截断到 prevLogIndex 之后再追加，即使条目已经一致。"},
		"gallery.raft.truncate_always.why":    {"Appends can arrive out of order. Figure 2 deletes only entries that conflict; cutting always lets an old, shorter append undo a newer, longer one whose reply already committed the entries it carried.", "追加请求可能乱序到达。图 2 只删除有冲突的条目；总是截断会让一条旧的、较短的追加撤销一条新的、较长的追加，而后者的回复已经让它携带的条目被提交了。"},
		"gallery.raft.commit_beyond_new.what": {"AppendEntries step 5 sets commitIndex to min(leaderCommit, the local last index) instead of the index of the last new entry.", "AppendEntries 第 5 步把 commitIndex 设为 min(leaderCommit, 本地最后索引)，而不是最后一个新条目的索引。"},
		"gallery.raft.commit_beyond_new.why":  {"An append vouches only for the entries up to prevLogIndex plus those it carries. Past them the follower's log may hold stale entries of an old term; committing up to its own last index applies such an entry at an index where the leader committed another.", "一次追加只担保到 prevLogIndex 为止的条目以及它携带的条目。在那之后，跟随者的日志可能还留着旧任期的过时条目；提交到本地最后索引，会在领导者已提交了另一个条目的索引处应用这样的过时条目。"},
		"gallery.raft.count_duplicates.what":  {"A candidate counts vote messages, not voters.", "候选者数的是投票消息，而不是投票者。"},
		"gallery.raft.count_duplicates.why":   {"A majority is a majority of distinct servers. A duplicated vote counted twice gives two candidates \"majorities\" of four servers in the same term: two leaders (the same mistake as Paxos's count_duplicates).", "多数派是不同服务器的多数。一张被复制的选票计两次，就能让同一任期的两个候选者在四台服务器中各得“多数”：两位领导者（与 Paxos 的 count_duplicates 是同一个错误）。"},
		"gallery.raft.no_step_down.what":      {"A leader that sees a higher term adopts it but stays leader.", "看到更高任期的领导者采用了该任期，却仍然当领导者。"},
		"gallery.raft.no_step_down.why":       {"Every server that adopts a higher term must become a follower: leadership belongs to one term. A leader that keeps leading in the new term, and even grants that term's candidate its vote, leaves two leaders in one term.", "每台采用了更高任期的服务器都必须变成跟随者：领导权只属于一个任期。在新任期里继续领导、甚至还把票投给该任期候选者的领导者，会造成同一任期两位领导者。"},
	})
}
