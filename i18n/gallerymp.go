package i18n

// The bug gallery's Multi-Paxos and Raft sections, the MultiPaxos-SMR
// spec's own bug, and search from here for those protocols.
func init() {
	add(map[string]entry{
		"gallery.sections":                 {"Sections", "分区"},
		"gallery.section.paxos":            {"Single-decree Paxos", "单值 Paxos"},
		"gallery.section.paxos_intro":      {"One value, chosen once: the switches of Paxos Made Simple and Paxos.tla.", "只选定一个值：《Paxos Made Simple》与 Paxos.tla 的缺陷开关。"},
		"gallery.section.multipaxos":       {"Multi-Paxos: a replicated key-value log", "Multi-Paxos：复制的键值日志"},
		"gallery.section.multipaxos_intro": {"A log of slots behind a key-value store, with clients that retry. Each switch below bends one rule of the log; the model checker searched every schedule of three servers with a few client commands and found the shortest that breaks safety. Play it in the Multi-Paxos view: the log grid shows which slot goes wrong, and the replay pauses where the switch acts.", "键值存储背后的一个由槽位组成的日志，客户端会重试。下面每个开关都违反了日志的一条规则；模型检查器穷举了三台服务器加几条客户端命令的所有调度，找到了破坏安全性的最短调度。在 Multi-Paxos 视图中播放它：日志网格显示哪个槽位出了错，重放会在开关起作用的地方暂停。"},
		"gallery.section.raft":             {"Raft", "Raft"},
		"gallery.section.raft_intro":       {"Figure 2 of the Raft paper, one rule bent at a time; the shortest schedule the model checker found for each.", "Raft 论文的图 2，每次违反一条规则；模型检查器为每个开关找到的最短调度。"},
		"gallery.sizes":                    {"searched", "搜索范围"},
		"gallery.size.servers":             {"{n} servers", "{n} 台服务器"},
		"gallery.size.clients":             {"{n} clients", "{n} 个客户端"},
		"gallery.size.commands":            {"{n} commands", "{n} 条命令"},
		"gallery.size.ballots":             {"{n} ballots", "{n} 个选票"},
		"gallery.size.terms":               {"{n} terms", "{n} 个任期"},
		"gallery.size.crashes":             {"{n} crash(es)", "{n} 次宕机"},
		"gallery.size.dups":                {"{n} duplicate(s)", "{n} 次消息复制"},
		"gallery.size.drops":               {"{n} lost message(s)", "{n} 条消息丢失"},
		"gallery.size.retries":             {"{n} client retry(ies)", "{n} 次客户端重试"},
		"gallery.size.sep":                 {", ", "，"},

		// Multi-Paxos switches: what each bends, and why that loses
		// safety (the first six break the log; the lease and lock ones
		// break the lock service).
		"gallery.multipaxos.skip_phase1.what":           {"A new leader proposes in fresh slots with its new ballot without running phase 1.", "新领导者不运行阶段 1，就用新选票在空槽位里提议。"},
		"gallery.multipaxos.skip_phase1.why":            {"Phase 1 is how a new leader learns what an earlier leader may already have chosen. Skipping it, the new leader takes slot 1 for \"empty\" and puts another client's command there, while the old leader's command is already chosen in slot 1 on a majority: two commands chosen in one slot.", "阶段 1 是新领导者得知前任可能已经选定了什么的途径。跳过它，新领导者以为槽位 1 是“空的”，把另一个客户端的命令放进去，而前任的命令早已在多数派上于槽位 1 被选定：同一个槽位选定了两条命令。"},
		"gallery.multipaxos.no_adopt.what":              {"Phase 1 runs, but the new leader ignores the votes the promises report.", "阶段 1 照常运行，但新领导者无视承诺中报告的投票。"},
		"gallery.multipaxos.no_adopt.why":               {"Per slot this is single-decree Paxos's no_adopt: a promise reports (ballot 1.1, put x 1) for slot 1, and the leader must re-propose it. Proposing its own client's command instead overwrites a command that is already chosen.", "对每个槽位而言，这就是单值 Paxos 的 no_adopt：一个承诺报告了槽位 1 的（选票 1.1，put x 1），领导者必须重新提议它。改为提议自己客户端的命令，就覆盖了一条已被选定的命令。"},
		"gallery.multipaxos.prepare_from_top.what":      {"Phase 1 covers only the slots above the leader's highest known slot; holes below it are filled with no-ops without being prepared.", "阶段 1 只覆盖领导者已知最高槽位之上的槽位；下面的空洞不经准备就填入 no-op。"},
		"gallery.multipaxos.prepare_from_top.why":       {"A leader may be missing slots it has never heard of, even below its highest one: another leader's command can be chosen there on a majority that excludes it. A hole is only safe to fill with a no-op after phase 1 has asked a majority about it; filling it blind replaces a chosen command with a no-op.", "领导者可能缺少它从未听说过的槽位，即使在它已知的最高槽位之下：另一位领导者的命令可能已在不包含它的多数派上于那里被选定。只有在阶段 1 就该槽位询问过多数派之后，用 no-op 填洞才是安全的；盲目填洞会用 no-op 取代一条已选定的命令。"},
		"gallery.multipaxos.exec_out_of_order.what":     {"A replica executes a decided slot before all lower slots are decided (the \"no-op not needed\" shortcut).", "副本在所有更低的槽位都确定之前就执行一个已确定的槽位（“不需要 no-op”的捷径）。"},
		"gallery.multipaxos.exec_out_of_order.why":      {"The log is only a replicated state machine if every replica applies the same commands in the same order. When slot 2's commit reaches a replica before slot 1's, running slot 2 first leaves that replica with x=1 while the others have x=2: the logs agree, the stores do not.", "只有每个副本都以相同的顺序应用相同的命令，日志才构成复制状态机。当槽位 2 的提交先于槽位 1 到达某个副本时，先运行槽位 2 会让该副本得到 x=1，而其他副本得到 x=2：日志一致，存储却不一致。"},
		"gallery.multipaxos.commit_minority.what":       {"The leader decides a slot with ⌊N/2⌋ acknowledgements: with three servers, on its own vote alone.", "领导者凭 ⌊N/2⌋ 个确认就决定一个槽位：三台服务器时，仅凭它自己的一票。"},
		"gallery.multipaxos.commit_minority.why":        {"Chosen means accepted by a majority: only then does every later leader's phase 1 find the command. A leader that decides on a minority has learned a command that is not chosen, and a crash lets the next leader forget it, after a client was told it succeeded.", "“选定”意味着被多数派接受：只有这样，之后每位领导者的阶段 1 才一定能找到这条命令。凭少数派就决定的领导者“学到”的是一条并未被选定的命令；一次宕机就能让下一位领导者忘掉它，而客户端已经被告知成功了。"},
		"gallery.multipaxos.no_dedup.what":              {"Request ids are ignored: a retried command is applied again.", "忽略请求编号：重试的命令会被再次应用。"},
		"gallery.multipaxos.no_dedup.why":               {"A client that hears nothing retries, so the same request can be chosen in two slots. Exactly-once needs the session table: each replica remembers the last request id per client and answers a retry from it instead of applying the command twice.", "收不到回复的客户端会重试，所以同一个请求可能在两个槽位中被选定。恰好一次需要会话表：每个副本记住每个客户端的最后一个请求编号，对重试直接用记下的结果回答，而不是把命令应用两次。"},
		"gallery.multipaxos.read_no_lease.what":         {"Lease reads are served whenever the server thinks it leads, whether its lease is still valid or not.", "只要服务器认为自己是领导者就提供租约读，不管租约是否仍然有效。"},
		"gallery.multipaxos.read_no_lease.why":          {"A leader cut off by a partition still believes it leads; a new leader can be elected and commit writes meanwhile. Only a valid lease, which the others promised not to undercut, makes a local read current: without the check the old leader returns a stale value.", "被分区隔开的领导者仍然相信自己在领导；与此同时新的领导者可能已被选出并提交了写入。只有有效的租约（其他服务器承诺不会抢在它到期前另立领导）才能保证本地读是最新的：不检查租约，旧领导者就会返回过时的值。"},
		"gallery.multipaxos.lease_no_drift.what":        {"Lease holders use the full lease, not the lease shortened for clock drift.", "租约持有者使用完整的租约时长，而不是按时钟漂移缩短后的时长。"},
		"gallery.multipaxos.lease_no_drift.why":         {"Clocks run at slightly different rates. A holder whose clock is slow still believes in its lease after the others' guards, on faster clocks, have lapsed and a new leader took over: two servers believe they hold the lease at once.", "各台机器的时钟走速略有不同。时钟偏慢的持有者在其他服务器（时钟较快）的保护期已过、新领导者已接手之后，仍相信自己的租约有效：两台服务器同时认为自己持有租约。"},
		"gallery.multipaxos.restart_forgets_lease.what": {"A restarted server promises at once, with no quiet period.", "重启的服务器立即作出承诺，没有静默期。"},
		"gallery.multipaxos.restart_forgets_lease.why":  {"A server that acknowledged a leader's lease has promised not to help another leader until that lease ends. After a restart it has forgotten the promise, so it must stay quiet for a lease's length; answering at once lets a second leader gather a lease while the first still holds one.", "确认过某领导者租约的服务器承诺在租约结束前不帮助其他领导者。重启后它忘记了这个承诺，所以必须静默一个租约的时长；立即回应会让第二位领导者在第一位仍持有租约时也拿到租约。"},
		"gallery.multipaxos.no_fencing.what":            {"The storage server applies every store, whatever its fencing token.", "存储服务器应用每一次写入，不管其防护令牌是什么。"},
		"gallery.multipaxos.no_fencing.why":             {"A lock holder can pause (garbage collection, a slow network) past its lease and write after the lock went to someone else. Fencing tokens grow with every grant; a store that rejects a token lower than one it has seen stops the stale holder. Without the check its late write lands after the new holder's.", "锁的持有者可能暂停（垃圾回收、网络缓慢）到租约过期之后，在锁已经归别人之后再写入。防护令牌随每次授予而增大；存储拒绝比已见过的更小的令牌，就能挡住过时的持有者。没有这项检查，它迟到的写入会落在新持有者的写入之后。"},

		// The MultiPaxos-SMR spec's own bug.
		"gallery.spec.title":       {"A bug in the published spec: MultiPaxos-SMR at three ballots", "已发表规约中的缺陷：三个选票下的 MultiPaxos-SMR"},
		"gallery.spec.intro":       {"paxviz ports G. Hu's MultiPaxos-SMR TLA+ specification (tlaplus/Examples) and reproduces TLC's counts exactly at the published bound of two ballots. One ballot more and the spec breaks its own Linearizability invariant. A published spec with a bug two ballots away is a lesson in itself: model checking proves a property only within the bounds it was run at.", "paxviz 移植了 G. Hu 的 MultiPaxos-SMR TLA+ 规约（tlaplus/Examples），并在其公开的两个选票的范围内精确复现了 TLC 的计数。只多一个选票，规约就破坏了它自己的 Linearizability 不变式。一份已发表的规约，缺陷就在两个选票之外，这本身就是一课：模型检查只在它运行的范围内证明性质。"},
		"gallery.spec.why":         {"What goes wrong: s1, a stale leader of ballot 1, has put the read r1 in its own slot 1. When the real leader s2 tells it that slot 1 is committed (step 13), s1 marks its own slot 1 committed without checking that it holds the committed command, and executes r1 there. As the leader of ballot 3 (step 16), s1 adopts w1 for slot 1 from the promises but does not run it again, and acknowledges r1 in slot 2 with the value before w1 (step 19), though w1 was acknowledged before r1 was even requested. The engine's Multi-Paxos carries the command in its commit message, so it cannot make this mistake.", "出了什么错：s1 是选票 1 的过时领导者，已把读操作 r1 放进自己的槽位 1。真正的领导者 s2 告诉它槽位 1 已提交时（第 13 步），s1 不检查自己持有的是否就是被提交的命令，就把自己的槽位 1 标记为已提交，并在那里执行了 r1。作为选票 3 的领导者（第 16 步），s1 从承诺中为槽位 1 采用了 w1，却没有再执行它，并在槽位 2 用 w1 之前的值确认了 r1（第 19 步）——而 w1 在 r1 被提出之前就已经确认了。paxviz 引擎的 Multi-Paxos 在提交消息中携带命令本身，所以不会犯这个错。"},
		"gallery.spec.breaks":      {"breaks", "破坏"},
		"gallery.spec.steps":       {"The trace in words ({n} steps, found by the spec model checker at {bounds})", "用文字叙述的轨迹（{n} 步，由规约模型检查器在 {bounds} 下找到）"},
		"gallery.spec.tla":         {"The trace as the checker prints it", "检查器打印的轨迹"},
		"gallery.spec.state":       {"after:", "之后："},
		"gallery.spec.observed":    {"clients observed:", "客户端观察到："},
		"gallery.spec.key":         {"the bug acts", "缺陷起作用"},
		"gallery.spec.unavailable": {"The spec's counterexample could not be rebuilt: {err}", "无法重建规约的反例：{err}"},

		"gallery.spec.act.BecomeLeader":         {"{r} starts a new ballot ({arg}) and sends Prepare.", "{r} 开始一个新选票（{arg}）并发送 Prepare。"},
		"gallery.spec.act.HandlePrepare":        {"{r} receives a Prepare ({arg}), promises, and reports its votes.", "{r} 收到一个 Prepare（{arg}），作出承诺，并报告自己的投票。"},
		"gallery.spec.act.HandlePrepareReplies": {"{r} has promises from a majority ({arg}): it is prepared, and takes each slot's highest-ballot vote.", "{r} 收到了多数派的承诺（{arg}）：准备完成，并为每个槽位采用选票最高的投票。"},
		"gallery.spec.act.TakeNewRequest":       {"{r}, as leader, puts the next client command in its first empty slot ({arg}) and votes for it.", "{r} 作为领导者，把下一个客户端命令放进第一个空槽位（{arg}）并为它投票。"},
		"gallery.spec.act.HandleAccept":         {"{r} receives an Accept ({arg}) and votes for it.", "{r} 收到一个 Accept（{arg}）并为它投票。"},
		"gallery.spec.act.HandleAcceptReplies":  {"{r} has votes from a majority for the next slot ({arg}): it commits it, executes it and acknowledges the client.", "{r} 为下一个槽位（{arg}）收到了多数派的投票：提交它、执行它并回复客户端。"},
		"gallery.spec.act.HandleCommitNotice":   {"{r} receives a CommitNotice ({arg}) and marks its slots up to it committed, with whatever command it holds there.", "{r} 收到一个 CommitNotice（{arg}），把直到该槽位的各槽位标记为已提交——不管自己在那里持有的是什么命令。"},

		// Search from here, Multi-Paxos and Raft.
		"search.said_mp":         {"Searched every order of deliveries, elections and client requests from this state: up to {commands} more client requests and {elections} more election(s), ballot rounds up to {round}.", "搜索了从此状态出发的所有投递、选举与客户端请求的顺序：最多再有 {commands} 个客户端请求、{elections} 次选举，选票轮次最多到 {round}。"},
		"search.said_mp_quick":   {"No server crashes, and no message is duplicated or lost, and no client retries (tick “deeper” for one of each and another election).", "其间没有服务器宕机，没有消息被复制或丢失，客户端也不重试（勾选“更深”可包含各一次，并多一次选举）。"},
		"search.said_mp_deep":    {"At most one server crashes, one message is duplicated, one is lost, and one client retries.", "其间至多一台服务器宕机、一条消息被复制、一条丢失、一个客户端重试。"},
		"search.said_raft":       {"Searched every order of deliveries, elections and proposals from this state: up to {commands} more proposals and {elections} more election(s), terms up to {round}.", "搜索了从此状态出发的所有投递、选举与提议的顺序：最多再有 {commands} 个提议、{elections} 次选举，任期最多到 {round}。"},
		"search.said_raft_quick": {"No server crashes, and no message is duplicated or lost (tick “deeper” for one of each and another election).", "其间没有服务器宕机，也没有消息被复制或丢失（勾选“更深”可包含各一次，并多一次选举）。"},
		"search.said_raft_deep":  {"At most one server crashes, one message is duplicated and one is lost.", "其间至多一台服务器宕机、一条消息被复制、一条丢失。"},
		"search.found_words":     {"Shortest counterexample: {steps} more steps, ending with {inv} broken. Open it to play it step by step.", "最短反例：再走 {steps} 步，最后 {inv} 被破坏。打开它可以逐步播放。"},
	})
}
