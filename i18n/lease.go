package i18n

// Narration of clocks, pauses, leader leases, reads and the lock service
// (multipaxos.md §3.2, §3.3). Placeholders as in multipaxos.go; {text} is a
// clock reading in ticks (8.18).
func init() {
	add(map[string]entry{
		"note.pause":               {"{node} pauses (a GC pause): it handles nothing and fires no timer; its clock runs on and its mail waits", "{node} 暂停（GC 停顿）：它不处理任何消息，计时器也不触发；它的时钟照常走，发给它的消息在等待"},
		"note.resume":              {"{node} runs again; {n} message(s) wait for it", "{node} 恢复运行；有 {n} 条消息在等它"},
		"note.clock":               {"{node}'s clock now runs at {n}% of true time (it reads {q})", "{node} 的时钟现在以真实时间的 {n}% 运行（读数 {q}）"},
		"note.mp.guard_nack":       {"{node} refuses {peer}'s prepare {b}: it guards {peer2}'s lease until its clock reads {text}", "{node} 拒绝 {peer} 的 prepare {b}：在它的时钟读到 {text} 之前，它守护着 {peer2} 的租约"},
		"note.mp.guard_nack.quiet": {"{node} refuses {peer}'s prepare {b}: it restarted and stays quiet until its clock reads {text}", "{node} 拒绝 {peer} 的 prepare {b}：它刚重启，在时钟读到 {text} 之前保持静默"},
		"note.mp.guarded":          {"{node} does not stand: it guards {peer2}'s lease until its clock reads {text}", "{node} 不参选：在它的时钟读到 {text} 之前，它守护着 {peer2} 的租约"},
		"note.mp.guarded.quiet":    {"{node} does not stand: it restarted and stays quiet until its clock reads {text}", "{node} 不参选：它刚重启，在时钟读到 {text} 之前保持静默"},
		"note.mp.lease":            {"{node} holds the leader lease until its clock reads {text} (a majority acked heartbeat round {n})", "{node} 持有领导者租约，直到它的时钟读到 {text}（多数派确认了第 {n} 轮心跳）"},
		"note.mp.read_local.0":     {"{node} answers {cmd} from its own copy under its lease: {text}, no message needed", "{node} 凭租约用自己的副本回答 {cmd}：{text}，无需任何消息"},
		"note.mp.read_local.1":     {"{node} answers {cmd} from its own copy: a majority confirmed its leadership after the read index: {text}", "{node} 用自己的副本回答 {cmd}：多数派在读索引之后确认了它的领导地位：{text}"},
		"note.mp.read_index":       {"{node} holds {cmd}: read index {s}; it waits for a majority to ack heartbeat round {n}", "{node} 暂存 {cmd}：读索引为 {s}；等待多数派确认第 {n} 轮心跳"},
		"note.mp.quiet":            {"{node} restarted and has forgotten its guards: it stays quiet (no promise, no standing) until its clock reads {text}", "{node} 重启后忘记了它守护的租约：在时钟读到 {text} 之前保持静默（不承诺，不参选）"},
		"inv.lease-exclusive":      {"lease-exclusive: at every moment at most one server believes it holds the leader lease, and at most one client per lock believes it holds the lock", "租约互斥：任一时刻至多一个服务器认为自己持有领导者租约，每把锁至多一个客户端认为自己持有它"},
	})
}
