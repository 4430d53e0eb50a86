package i18n

// The Raft section of the bug gallery (check.RaftBugCases): for each of
// the nine bug switches, which rule of Raft it bends and why that loses
// safety.
func init() {
	add(map[string]entry{
		"raftcheck.title": {"Raft bug gallery: watch each mistake break Raft", "Raft 缺陷展览：看每个错误如何破坏 Raft"},
		"raftcheck.intro": {"Each switch below is one small deviation from Figure 2 of the Raft paper. For each, paxviz's model checker searched every schedule of a tiny cluster (no no-op entry, as in the paper's figures) and found the shortest one that breaks safety; with the switch off, the same search finds none. Play it: it pauses where the bug acts and ends on the broken invariant.", "下面每个开关都是对 Raft 论文图 2 的一个小偏离。对每一个，paxviz 的模型检查器穷举了一个小集群（和论文插图一样不带空操作条目）的所有调度，找到了破坏安全性的最短调度；关掉开关，同样的搜索找不到任何反例。播放它：它会在缺陷起作用的地方暂停，并停在被破坏的不变式上。"},
		"raftcheck.needs": {"smallest cluster that breaks it (servers / terms / commands, faults)", "能破坏它的最小配置（服务器 / 任期 / 命令数，故障）"},

		"raftcheck.commit_old_term.why":   {"A leader may count replicas only for an entry of its own term; older entries commit beneath it (Figure 8). Counting copies of an old entry lets a leader commit it while a server with a newer last term can still win an election and erase it.", "领导者只能为自己任期的条目数副本；更早的条目在它之下随之提交（图 8）。若对旧条目数副本，领导者会提交它，而最后条目任期更新的服务器仍能赢得选举并把它抹掉。"},
		"raftcheck.no_log_check.why":      {"A voter grants only a candidate whose log is at least as up-to-date as its own (§5.4.1). Skipping the test lets a server that lacks a committed entry collect a majority and lead without it.", "投票者只投给日志至少和自己一样新的候选者（§5.4.1）。跳过这项检查，缺少已提交条目的服务器也能凑齐多数票，在没有该条目的情况下当上领导者。"},
		"raftcheck.forget_vote.why":       {"votedFor must survive a crash. A voter that forgets it comes back and votes again in the same term, for another candidate: two votes in one term, and two leaders can follow.", "votedFor 必须在宕机后保留。忘记它的投票者重启后会在同一任期再投一次，投给另一个候选者：一个任期两张票，随之可能出现两个领导者。"},
		"raftcheck.volatile_log.why":      {"The log must be on stable storage before a server answers. A server that loses its log on restart counted toward a commit, then votes as if empty, so a leader without the committed entry can win.", "服务器在回复之前必须把日志写入稳定存储。重启时丢失日志的服务器曾为一次提交计过数，之后却以空日志的身份投票，于是缺少已提交条目的领导者也能当选。"},
		"raftcheck.stale_append.why":      {"A follower must refuse an append from an older term (step 1). Accepting a deposed leader's late append overwrites entries of the current leader, which may already be committed.", "跟随者必须拒绝来自更旧任期的追加请求（第 1 步）。接受被罢免领导者的迟到请求，会覆盖当前领导者的条目，而它们可能已经提交。"},
		"raftcheck.truncate_always.why":   {"A follower deletes entries only where a new entry conflicts (step 3). Cutting after prevLogIndex on every success lets a late, shorter append remove entries a newer append already made committed.", "跟随者只在新条目冲突的位置删除条目（第 3 步）。每次成功都从 prevLogIndex 之后截断，迟到的较短追加请求就会删掉较新的请求已使其提交的条目。"},
		"raftcheck.commit_beyond_new.why": {"A follower may advance its commit index only up to the last entry the append vouches for, prevLogIndex plus the new entries (step 5). Using its own last index lets it apply a stale entry beyond them that the leader never sent.", "跟随者只能把提交索引推进到本次追加请求所担保的最后一个条目，即 prevLogIndex 加上新条目（第 5 步）。改用自己的最后索引，它就会应用这些条目之后一个领导者从未发送过的过期条目。"},
		"raftcheck.count_duplicates.why":  {"A majority is a majority of distinct servers. Counting duplicated vote messages lets two candidates each reach three of four votes in the same term.", "多数派是不同服务器的多数。把重复的投票消息也计入，两个候选者就能在同一任期各自拿到四票中的三票。"},
		"raftcheck.no_step_down.why":      {"Any server that sees a higher term must become a follower (§5.1). A leader that adopts the term but keeps leading now leads that term too, and still grants its vote in it: the candidate that raised the term wins it as well, and the term has two leaders.", "任何服务器看到更高的任期都必须变为跟随者（§5.1）。采用了新任期却继续当领导者的服务器，就成了这个任期的领导者，而且仍在该任期投出选票：提高任期的候选者也赢得了这个任期，于是一个任期有了两个领导者。"},
	})
}
