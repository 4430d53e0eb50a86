package i18n

// Narration of clocks, pauses, leader leases and the lock service
// (multipaxos.md §3.2, §3.3). Placeholders as in multipaxos.go.
func init() {
	add(map[string]entry{
		"note.pause":  {"{node} pauses (a GC pause): it handles nothing and fires no timer; its clock runs on and its mail waits", "{node} 暂停（GC 停顿）：它不处理任何消息，计时器也不触发；它的时钟照常走，发给它的消息在等待"},
		"note.resume": {"{node} runs again; {n} message(s) wait for it", "{node} 恢复运行；有 {n} 条消息在等它"},
		"note.clock":  {"{node}'s clock now runs at {n}% of true time (it reads {q})", "{node} 的时钟现在以真实时间的 {n}% 运行（读数 {q}）"},
	})
}
