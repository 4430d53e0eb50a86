package i18n

// Narration and names for the decided message: a learner answers a later
// ballot's proposer with the value it learned, so that proposers stop
// retrying.
func init() {
	add(map[string]entry{
		"note.tell_decided":  {"{node} has already learned {v}, so it answers ballot {b}: {peer} can stop", "{node} 已学到 {v}，于是回复提案编号 {b}：{peer} 可以停止重试"},
		"note.decided":       {"{node} hears from {peer} that it learned {v}: {n} of {q} learners; at {q} of {q} it stops retrying", "{node} 从 {peer} 得知它已学到 {v}：{n}/{q} 个学习者；{q} 个都告知后停止重试"},
		"note.decided_stale": {"{node} ignores {peer}'s decided for {b}: it is not running {b} now", "{node} 忽略 {peer} 对 {b} 的 decided：它现在并不在运行 {b}"},
		"msg.decided":        {"decided", "decided（已选定）"},
	})
}
