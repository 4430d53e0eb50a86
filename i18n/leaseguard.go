package i18n

// Narration of a server that acks a leader's heartbeat while an earlier
// guard still runs (multipaxos.md §3.3): it keeps that guard, so it
// refuses every prepare, the new sender's included, until the guard ends.
// Placeholders as in multipaxos.go.
func init() {
	add(map[string]entry{
		"note.mp.heartbeat_ok.holds":       {"{node} acks {peer}'s heartbeat round {n} at {b}; its decided prefix is {s}. It has now acked two leaders and still guards {peer2}'s lease, so it refuses every prepare, {peer}'s included, until its clock reads {text}", "{node} 确认 {peer} 以 {b} 发来的第 {n} 轮心跳；它的已决定前缀是 {s}。它现在确认过两位领导者，仍守护着 {peer2} 的租约，所以在它的时钟读到 {text} 之前拒绝所有 prepare，包括 {peer} 的"},
		"note.mp.heartbeat_ok.holds.quiet": {"{node} acks {peer}'s heartbeat round {n} at {b}; its decided prefix is {s}. Its restart quiet period still runs, so it refuses every prepare, {peer}'s included, until its clock reads {text}", "{node} 确认 {peer} 以 {b} 发来的第 {n} 轮心跳；它的已决定前缀是 {s}。它重启后的静默期仍在进行，所以在它的时钟读到 {text} 之前拒绝所有 prepare，包括 {peer} 的"},
	})
}
