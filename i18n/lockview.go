package i18n

// Time in the Multi-Paxos sandbox (static/lock.js): each node's clock
// beside true time, lease intervals on one true-time axis, the lock
// service's holder, tokens and data store d1, and the three read paths
// side by side. Clock readings and times are in ticks with two decimals
// ({t}, {d}, {from}, {to}, {until}, {clock}); {tok} and {max} are fencing
// tokens; {c} a client.
func init() {
	add(map[string]entry{
		"lk.time":           {"Clocks and leases", "时钟与租约"},
		"lk.true_time":      {"True time T = {t}", "真实时间 T = {t}"},
		"lk.drift":          {"clock rates within ±{p}%", "时钟速率在 ±{p}% 以内"},
		"lk.lease_len":      {"leader lease {n} ticks", "领导者租约 {n} 个时间单位"},
		"lk.ttl":            {"lock lease ttl {n} ticks", "锁租约 ttl {n} 个时间单位"},
		"lk.chart":          {"Each node's clock and its leases on one axis of true time", "每个节点的时钟及其租约，画在同一条真实时间轴上"},
		"lk.axis":           {"true time", "真实时间"},
		"lk.same":           {"= T", "= T"},
		"lk.ahead":          {"{d} ahead", "快 {d}"},
		"lk.behind":         {"{d} behind", "慢 {d}"},
		"lk.clock_title":    {"{n}'s clock reading; the now line is true time", "{n} 的时钟读数；竖线是真实时间"},
		"lk.paused":         {"paused", "已暂停"},
		"lk.track.clock":    {"clock", "时钟"},
		"lk.track.lease":    {"lease", "租约"},
		"lk.track.guard":    {"guard", "守护"},
		"lk.track.belief":   {"believes", "自认为"},
		"lk.track.granted":  {"log says", "日志记录"},
		"lk.legend.lease":   {"leader lease (on its own clock)", "领导者租约（按它自己的时钟）"},
		"lk.legend.guard":   {"guard: refuses other candidates", "守护：拒绝其他候选者"},
		"lk.legend.belief":  {"client believes it holds the lock (on its own clock)", "客户端自认为持有锁（按它自己的时钟）"},
		"lk.legend.granted": {"the log grants the lock, until an expire or release is executed", "日志授予该锁，直到执行 expire 或 release"},
		"lk.legend.now":     {"now (true time)", "现在（真实时间）"},
		"lk.bar.lease":      {"lease", "租约"},
		"lk.bar.guard":      {"guard for {for}", "为 {for} 守护"},
		"lk.bar.quiet":      {"quiet after restart", "重启后静默"},
		"lk.bar.belief":     {"{lock} token {tok}", "{lock} 令牌 {tok}"},
		"lk.bar.granted":    {"log: {lock} token {tok}", "日志：{lock} 令牌 {tok}"},
		"lk.bar_open":       {"from T={from}, ends at T={to} if its clock keeps its rate", "从 T={from} 起，若时钟速率不变则在 T={to} 结束"},
		"lk.bar_closed":     {"from T={from} to T={to}", "从 T={from} 到 T={to}"},
		"lk.due":            {"the leader may propose the expire from T={t}", "领导者可从 T={t} 起提议 expire"},

		"lk.lock":        {"Lock service", "锁服务"},
		"lk.no_locks":    {"No lock acquired yet: type acquire f in a client's box.", "还没有获取任何锁：在客户端的输入框里输入 acquire f。"},
		"lk.log_holder":  {"Lock {lock}: the log says {c} holds it with token {tok}", "锁 {lock}：日志记录 {c} 持有它，令牌 {tok}"},
		"lk.log_free":    {"Lock {lock}: free in the log", "锁 {lock}：在日志中是空闲的"},
		"lk.believes":    {"{c} believes it holds {lock} with token {tok} until its clock reads {until} (it reads {clock})", "{c} 认为自己持有 {lock}（令牌 {tok}），直到它的时钟读到 {until}（现在读数 {clock}）"},
		"lk.lapsed":      {"{c} keeps token {tok} but no longer believes it holds {lock}: its clock reads {clock}, past {until}", "{c} 还留着令牌 {tok}，但已不认为自己持有 {lock}：它的时钟读数 {clock} 已过 {until}"},
		"lk.d1":          {"Data service d1", "数据服务 d1"},
		"lk.d1_key":      {"{key} = {v}, highest token seen {max}", "{key} = {v}，见过的最大令牌 {max}"},
		"lk.d1_empty":    {"d1 stores nothing yet", "d1 还没有存任何东西"},
		"lk.no_stores":   {"No store has reached d1 yet.", "还没有存储请求到达 d1。"},
		"lk.store.ok":    {"{c} stored {key}={v} with token {tok}: applied (max {max})", "{c} 以令牌 {tok} 存入 {key}={v}：已应用（最大令牌 {max}）"},
		"lk.store.stale": {"{c} stored {key}={v} with token {tok}: rejected, token below {max} (fencing)", "{c} 以令牌 {tok} 存入 {key}={v}：被拒绝，令牌低于 {max}（防护令牌）"},
		"lk.store.lower": {"{c} stored {key}={v} with token {tok}: applied although d1 had seen {max} (no fencing)", "{c} 以令牌 {tok} 存入 {key}={v}：尽管 d1 已见过 {max} 仍被应用（没有防护令牌）"},

		"lk.read_paths":  {"Read paths, counted in this run", "读路径（本次运行中的计数）"},
		"lk.path":        {"path", "路径"},
		"lk.reads":       {"reads", "读次数"},
		"lk.msgs":        {"messages between servers (avg)", "服务器间消息（平均）"},
		"lk.delays":      {"delays, request to reply (avg)", "消息延迟，请求到回复（平均）"},
		"lk.needs":       {"assumes", "前提"},
		"lk.needs.log":   {"nothing", "无"},
		"lk.needs.index": {"nothing", "无"},
		"lk.needs.lease": {"bounded clock drift", "时钟漂移有界"},
		"lk.no_reads":    {"No read answered yet: try get x via=log, via=index and via=lease in a client's box.", "还没有回答过读请求：在客户端输入框里分别试试 get x via=log、via=index 和 via=lease。"},
		"lk.read":        {"{id} via={via} answered by {server}: {messages} messages between servers, {delays} delays, read {result}", "{id} via={via} 由 {server} 回答：服务器间 {messages} 条消息，{delays} 次延迟，读到 {result}"},
		"lk.read_fell":   {"{id} asked via={via}, answered via={path} by {server}: {messages} messages between servers, {delays} delays, read {result}", "{id} 请求 via={via}，由 {server} 以 via={path} 回答：服务器间 {messages} 条消息，{delays} 次延迟，读到 {result}"},

		// d1's role on its card, and the fencing invariant as the
		// Multi-Paxos safety panel lists it.
		"role.data":       {"data store", "数据存储"},
		"inv.mp_fencing":  {"fencing: for each key, the tokens of the stores the data service applied never decrease", "防护令牌：对每个键，数据服务所应用的存储的令牌从不减小"},
		"viol.mp_fencing": {"{text}", "{text}"},

		"lk.clock":       {"clock", "时钟"},
		"lk.card_lock":   {"lock {lock}", "锁 {lock}"},
		"lk.card_holds":  {"token {tok}, until {until}", "令牌 {tok}，至 {until}"},
		"lk.card_lapsed": {"token {tok}, lapsed at {until}", "令牌 {tok}，已于 {until} 过期"},
		"lk.card_d1":     {"{v} (max token {max})", "{v}（最大令牌 {max}）"},
		"lk.pause":       {"GC pause", "GC 暂停"},
		"lk.resume":      {"Resume", "恢复"},
	})
}
