package i18n

// The lock service (multipaxos.md §3.2): grants, expiry in the log, the
// clients' beliefs and renewals, the data store d1 and its fencing tokens,
// and the gallery entries of the four lease and lock bug switches.
// Placeholders as in multipaxos.go; {key} is a lock (or d1's key), {text}
// a clock reading (8.18) or a result, {n} a token.
func init() {
	add(map[string]entry{
		"note.mp.expire":        {"{node}'s clock reads {text}: ttl has run since it last saw the lock granted or renewed, so it proposes {cmd} in slot {s}", "{node} 的时钟读数为 {text}：自它上次看到这把锁被授予或续约以来已过了 ttl，于是它在槽位 {s} 提议 {cmd}"},
		"note.mp.holds":         {"{node} believes it holds lock {key} with token {n} until its clock reads {text}", "{node} 认为自己持有锁 {key}（令牌 {n}），直到它的时钟读到 {text}"},
		"note.mp.lock_lost":     {"{node} no longer holds lock {key}: {cmd} gave {text}", "{node} 不再持有锁 {key}：{cmd} 的结果是 {text}"},
		"note.mp.no_renew":      {"{node}'s renew timer fires, but at clock {text} it believes it holds no lock: it renews nothing", "{node} 的续约计时器到期，但在时钟 {text} 时它认为自己没有持有任何锁：不续约"},
		"note.mp.store":         {"{node} stores {text} under {key} for {peer}: token {n} is not below the highest it has seen ({n2})", "{node} 为 {peer} 在 {key} 下存入 {text}：令牌 {n} 不低于它见过的最大令牌（{n2}）"},
		"note.mp.stale":         {"{node} rejects {peer}'s store of {text} under {key}: token {n} is below {n2}, which it has already seen (fencing)", "{node} 拒绝 {peer} 在 {key} 下存入 {text}：令牌 {n} 低于它已见过的 {n2}（防护令牌）"},
		"note.mp.stored":        {"{node} hears from {peer} about its store under {key}: {text} (highest token {n})", "{node} 收到 {peer} 关于 {key} 存储的答复：{text}（最大令牌 {n}）"},
		"note.mp.client_send.3": {"{node} renews its lease on the lock: it sends {cmd} to {peer}", "{node} 为锁续约：向 {peer} 发送 {cmd}"},
		"mp.timer.renew":        {"renew", "续约"},
		"inv.fencing":           {"fencing: for each key, the tokens of the stores the data service applied never decrease", "防护令牌：对每个键，数据服务所应用的存储的令牌从不减小"},

		"gallery.mp.read_no_lease.why":         {"A leader may answer a read from its own copy only while its lease is valid: then no other server can have been elected. Serving lease reads whenever it merely thinks it leads lets a deposed leader return a value older than a write another leader already acknowledged.", "领导者只有在租约有效时才能用自己的副本回答读请求：那时不可能有别的服务器当选。只要自认为是领导者就按租约读，被罢免的领导者就会返回比另一位领导者已确认的写更旧的值。"},
		"gallery.mp.lease_no_drift.why":        {"Clocks drift. A lease holder must shorten its lease by the drift bound, lease·(100−P)/(100+P) on its own clock, so that its lease ends before any fast grantor's guard does. Using the full lease, a slow leader still believes while a new leader already holds a lease of its own.", "时钟会漂移。租约持有者必须按漂移上界缩短租约，在自己的时钟上只算 lease·(100−P)/(100+P)，这样它的租约才会在任何走得快的授予者的守护结束之前结束。若用满整个租约，慢时钟的旧领导者仍以为自己持有租约，而新领导者已经持有了自己的租约。"},
		"gallery.mp.restart_forgets_lease.why": {"A server that acked a leader's heartbeat promised not to elect anyone else for a lease period, but that promise lives in volatile memory. After a restart it must stay quiet for one lease period; without that, it helps elect a second leader while the first still holds its lease.", "确认了领导者心跳的服务器承诺在一个租约期内不选别人，但这个承诺保存在易失内存里。重启后它必须保持静默一个租约期；否则它会在第一位领导者仍持有租约时帮助选出第二位领导者。"},
		"gallery.mp.no_fencing.why":            {"A lock lease cannot stop a client that paused past its lease from acting on its old belief: its write may arrive after the next holder's. Only the storage can stop it, by rejecting a token lower than one it has already seen. Without that check the stale write lands over the newer one.", "锁租约无法阻止一个停顿超过租约期的客户端按旧的认知行事：它的写入可能在下一位持有者的写入之后才到达。只有存储端能阻止它：拒绝比已见过的令牌更小的令牌。没有这项检查，过期的写入就会覆盖较新的写入。"},
	})
}
