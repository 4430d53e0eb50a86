package i18n

// Narration and names for the decided message (a learner tells proposers the
// outcome) and for the growing back-off after an abandoned ballot.
func init() {
	add(map[string]entry{
		"note.tell_decided": {"{node} has already learned {v}, so it answers ballot {b}: {peer} can stop", "{node} 已学到 {v}，于是回复提案编号 {b}：{peer} 可以停止重试"},
		"note.decided":      {"{node} hears from {peer} that {v} is chosen", "{node} 从 {peer} 得知 {v} 已被选定"},
		"msg.decided":       {"decided", "decided（已选定）"},
	})
}
