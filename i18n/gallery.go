package i18n

// The bug gallery: for each bug variant (engine.AllBugs), what rule it bends
// and why that loses safety.
func init() {
	add(map[string]entry{
		"gallery.title":     {"Bug gallery: watch each mistake break Paxos", "缺陷展览：看每个错误如何破坏 Paxos"},
		"gallery.intro":     {"Each switch below is one small, classic deviation from Paxos as Paxos Made Simple and Lamport's TLA+ specification (Paxos.tla) define it. For each, paxviz's model checker searched every schedule of a tiny cluster and found the shortest one that breaks safety. Play it in the live cluster: it pauses where the bug acts and ends on the broken invariant.", "下面每个开关都是对 Paxos 的一个经典的小偏离（以《Paxos Made Simple》和 Lamport 的 TLA+ 规约 Paxos.tla 为准）。对每一个，paxviz 的模型检查器穷举了一个小集群的所有调度，找到了破坏安全性的最短调度。在实时集群里播放它：它会在缺陷起作用的地方暂停，并停在被破坏的不变式上。"},
		"gallery.play":      {"Play the counterexample", "播放反例"},
		"gallery.steps":     {"{n} steps, found among {states} states in {secs} s", "{n} 步，在 {states} 个状态中找到，用时 {secs} 秒"},
		"gallery.none":      {"No counterexample within the checker's bounds.", "在检查器的范围内没有找到反例。"},
		"gallery.computing": {"The checker is still searching; reload in a moment.", "检查器仍在搜索，请稍后刷新。"},
		"gallery.config":    {"search", "搜索"},
		"gallery.needs":     {"smallest cluster that breaks it (acceptors / proposers / distinct ballots)", "能破坏它的最小配置（接受者 / 提议者 / 不同提案编号的个数）"},
		"gallery.breaks":    {"breaks", "破坏"},
		"gallery.script":    {"Script", "脚本"},
		"gallery.link":      {"Bug gallery", "缺陷展览"},
		"gallery.link_hint": {"— watch each bug switch break safety, found by the model checker.", "—— 看每个缺陷开关如何破坏安全性（由模型检查器找到）。"},
		"gallery.banner":    {"Counterexample for {bug} (breaks {inv}):", "{bug} 的反例（破坏 {inv}）："},
		"gallery.bug_acts":  {"The bug acts here:", "缺陷在这一步起作用："},
		"gallery.continue":  {"Continue", "继续"},
		"gallery.ended":     {"The schedule ends here: {inv} is broken. Step back to look again, or act to branch.", "调度到此结束：{inv} 已被破坏。可以后退重看，或自己操作来分出新分支。"},
		"search.busy":       {"Another search is running; try again in a moment.", "另一个搜索正在运行，请稍后再试。"},
		"ui.replay":         {"Replay ▶▶", "重放 ▶▶"},
		"ui.replay_title":   {"Play this branch's recorded steps forward (Shift+P)", "把本分支已记录的步骤向前播放（Shift+P）"},
		"ui.search":         {"Search from here", "从这里搜索"},
		"ui.search_title":   {"Model-check every schedule from this state within small bounds", "在小范围内对从此状态出发的所有调度做模型检查"},
		"ui.search_running": {"Searching every schedule from here…", "正在搜索从这里出发的所有调度……"},
		"ui.search_found":   {"Found a schedule that breaks {inv} in {n} more steps ({states} states, {secs} s).", "找到一个再走 {n} 步就破坏 {inv} 的调度（{states} 个状态，{secs} 秒）。"},
		"ui.search_deep":    {"deeper (one more round, a crash, a duplicate)", "更深（多一轮、一次宕机、一次复制）"},
		"ui.search_open":    {"Open it", "打开它"},
		"ui.search_none":    {"No schedule from here breaks safety within the bounds ({bounds}): {states} states, depth {depth}, {secs} s.", "在范围（{bounds}）内，从这里出发的调度都不会破坏安全性：{states} 个状态，深度 {depth}，{secs} 秒。"},
		"ui.search_partial": {"The search stopped ({stop}) after {states} states, depth {depth}, {secs} s, with no violation found so far.", "搜索在 {states} 个状态、深度 {depth}、{secs} 秒后停止（{stop}），目前没有发现违例。"},
		"ui.search_error":   {"The search could not run: {err}", "无法运行搜索：{err}"},

		"gallery.no_adopt.why":             {"Phase 2a must propose the value of the highest-numbered proposal reported by a majority (P2c). Ignoring the reports lets a later proposer overwrite a value that is already chosen.", "阶段 2a 必须提出多数派所报告的编号最高的提案的值（P2c）。无视这些报告，后来的提议者就会覆盖一个已被选定的值。"},
		"gallery.adopt_lowest.why":         {"Only the highest-numbered reported vote is safe to adopt: a lower one may belong to a ballot that lost to a value chosen later. Needs three ballots.", "只有编号最高的那个已报告投票才能安全采用：编号较低的投票可能属于一个已经输给后来被选定值的提案。需要三个提案编号。"},
		"gallery.accept_lower.why":         {"An acceptor that promised n must not accept anything numbered below n (P1a). Accepting anyway lets an old proposal complete a majority after a newer one was chosen.", "承诺了 n 的接受者不能再接受编号小于 n 的提案（P1a）。若仍然接受，旧提案就可能在新提案被选定之后凑齐多数派。"},
		"gallery.no_raise_on_accept.why":   {"A deviation from Lamport's Paxos.tla, whose Phase2b raises the promise when it accepts (maxBal' = m.bal); Paxos Made Simple does not require that step, but it does keep an acceptor's highest-numbered vote. This acceptor skips the raise and keeps its latest vote, not its highest: after accepting a higher ballot it still accepts an older one, which overwrites the higher vote, so the next proposer's phase 1 sees the wrong \"highest-numbered\" vote and adopts the wrong value.", "这是对 Lamport 的 Paxos.tla 的偏离：其中 Phase2b 在接受时会提高承诺（maxBal' = m.bal）；《Paxos Made Simple》并不要求这一步，但要求接受者记住编号最高的投票。这个接受者跳过了提高承诺，并且记住的是最近的投票而不是编号最高的投票：接受了较高编号之后，它仍会接受一个较旧的提案，用它覆盖较高的投票，于是下一个提议者在阶段 1 看到的“编号最高”的投票是错的，采用了错误的值。"},
		"gallery.volatile_acceptor.why":    {"An acceptor must remember its promise and its vote across a restart (PMS §2.2). One that forgets comes back as if new, and a later proposer no longer hears of the chosen value.", "接受者重启后必须记得它的承诺和投票（PMS §2.2）。忘记了的接受者就像新的一样，后来的提议者再也听不到已选定的值。"},
		"gallery.promise_not_durable.why":  {"Persisting only the vote is not enough: a forgotten promise lets the acceptor accept an older proposal it had promised to refuse.", "只持久化投票是不够的：忘掉了承诺，接受者就会接受一个它曾承诺拒绝的旧提案。"},
		"gallery.ballot_reuse.why":         {"This switch bends two rules at once: ballots are plain rounds, so two proposers can issue the same ballot (PMS §2.5 makes them unique), and an acceptor answers a prepare equal to its promise (PMS §2.2 answers only a higher one). Either rule alone keeps one proposer per ballot: with strictly-higher promises, the second proposer's prepare for the same round is ignored, so only one can gather a quorum. With both bent, an acceptor promises the same ballot twice, to two proposers; each gathers a quorum in that one ballot and proposes its own value. \"Promise once per ballot\" is what Raft calls one vote per term.", "这个开关同时违反了两条规则：提案编号只是轮次，所以两个提议者可能用同一个编号（PMS §2.5 要求编号唯一）；接受者还会回应与其承诺相等的 prepare（PMS §2.2 只回应更高的）。单独任何一条规则都足以保证一个编号只有一个提议者：承诺只给严格更高的编号时，第二个提议者对同一轮次的 prepare 会被忽略，只有一个能凑齐多数派。两条都被违反时，接受者会把同一个编号承诺两次，给两个提议者；它们在同一个编号下各自凑齐多数派，各自提出自己的值。“每个编号只承诺一次”正是 Raft 的“每个任期只投一票”。"},
		"gallery.learner_cross_ballot.why": {"A learner must count a majority in one ballot (PMS §2.3). Adding votes for a value across ballots can announce a value that no majority ever accepted together.", "学习者必须在同一个提案编号内数出多数派（PMS §2.3）。跨编号累计同一个值的票，可能宣布一个从未被多数派一起接受过的值。"},
		"gallery.half_quorum.why":          {"Any two quorums must intersect. Two of four acceptors are not a majority: two disjoint pairs can choose two different values.", "任意两个法定人数必须相交。四个接受者中的两个不是多数派：两对互不相交的接受者可以选定两个不同的值。"},
		"gallery.count_duplicates.why":     {"A quorum is a majority of distinct acceptors. Counting a duplicated promise twice gives a proposer a \"majority\" of one acceptor.", "法定人数是不同接受者的多数。把重复的承诺计两次，提议者就会拿着一个接受者的承诺当作“多数派”。"},
	})
}
