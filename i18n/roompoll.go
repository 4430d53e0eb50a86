package i18n

// The value poll in each protocol's terms (web/roompoll.go): a
// Multi-Paxos room asks about one slot, a Raft room about one log index.
func init() {
	add(map[string]entry{
		"room.poll_slot":           {"Which command will be chosen?", "哪条命令会被选定？"},
		"room.poll_entry":          {"Which entry will be committed?", "哪个条目会被提交？"},
		"room.poll_at":             {"Slot or index (empty: the first open one)", "槽位或索引（留空：第一个未决定的）"},
		"room.poll_at_slot":        {"slot", "槽位"},
		"room.poll_at_index":       {"index", "索引"},
		"room.q_slot":              {"Which command will be chosen in slot {k}?", "槽位 {k} 会选定哪条命令？"},
		"room.q_entry":             {"Which entry will be committed at index {k}?", "索引 {k} 处会提交哪个条目？"},
		"room.choice_other":        {"none of these", "以上都不是"},
		"room.result_value":        {"The cluster chose {v}.", "集群选定了 {v}。"},
		"room.result_slot":         {"Slot {k} chose {v}.", "槽位 {k} 选定了 {v}。"},
		"room.result_entry":        {"Index {k} committed {v}.", "索引 {k} 提交了 {v}。"},
		"room.result_many":         {"Slot {k} chose more than one command: a safety violation.", "槽位 {k} 选定了不止一条命令：违反了安全性。"},
		"room.result_pending":      {"Not decided yet: play on and watch the god's-eye view.", "尚未决定：继续运行，观察全局视角。"},
		"room.result_mark":         {"what happened", "实际结果"},
		"room.err_slot":            {"{slot} is not a slot or index number: give 1, 2, …", "{slot} 不是槽位或索引编号：请给出 1、2……"},
		"room.err_slot_far":        {"slot {k} is past the end of the log; ask about slot {max} or earlier", "槽位 {k} 超出了日志末尾；请问槽位 {max} 或更早的槽位"},
		"room.err_index_far":       {"index {k} is past the end of every log; ask about index {max} or earlier", "索引 {k} 超出了所有日志的末尾；请问索引 {max} 或更早的索引"},
		"room.err_slot_chosen":     {"slot {k} is already chosen ({v}); ask about a later slot", "槽位 {k} 已经选定（{v}）；请问之后的槽位"},
		"room.err_index_committed": {"index {k} is already committed ({v}); ask about a later index", "索引 {k} 已经提交（{v}）；请问之后的索引"},
		"room.err_no_cmds":         {"nothing is proposed for slot {k} yet: have a client send a request first", "槽位 {k} 还没有任何提议：请先让客户端发送请求"},
		"room.err_no_entries":      {"no server's log has an entry at index {k} yet: propose a value first", "还没有服务器的日志在索引 {k} 处有条目：请先提议一个值"},
		"room.err_no_slot":         {"this poll is about no slot or index (the answer named {got}): answer with the choice's number only", "这次投票不涉及槽位或索引（答案给出了 {got}）：只需回答选项编号"},
		"room.err_wrong_slot":      {"this poll asks about slot {want}, not {got}: reload the page", "这次投票问的是槽位 {want}，不是 {got}：请刷新页面"},
	})
}
