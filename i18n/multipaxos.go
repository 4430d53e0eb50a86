package i18n

// Narration of Multi-Paxos events: one key per multipaxos.NoteKind
// ("note.mp.<kind>", with a suffix where the note's N picks a variant),
// the timers' names, and the invariants that single-decree Paxos does not
// have. Placeholders: {node}, {peer}, {peer2}, {b}, {b2}, {s} (a slot),
// {cmd}, {cmd2}, {text}, {n}, {n2}, {q}, {bug}, {timer}.
func init() {
	add(map[string]entry{
		"note.mp.stand":            {"{node} stands with ballot {b}: prepare for every slot from {s}", "{node} 以选票 {b} 竞选领导者：为从 {s} 起的每个槽位发送 prepare"},
		"note.mp.promise":          {"{node} promises {b} to {peer}, reporting {n} vote(s) from slot {s}", "{node} 向 {peer} 承诺 {b}，报告从槽位 {s} 起的 {n} 张投票"},
		"note.mp.reject_prepare":   {"{node} rejects {peer}'s prepare {b}: it has promised {b2}", "{node} 拒绝 {peer} 的 prepare {b}：它已承诺 {b2}"},
		"note.mp.promise_count":    {"{node} counts {peer}'s promise for {b}: {n} of {q}", "{node} 计入 {peer} 对 {b} 的承诺：{n}/{q}"},
		"note.mp.promise_ignored":  {"{node} ignores {peer}'s promise for {b}: it is not preparing {b}, or has counted it", "{node} 忽略 {peer} 对 {b} 的承诺：它没有在为 {b} 做准备，或已经计入"},
		"note.mp.lead":             {"{node} leads with {b}: phase 1 is done for every slot from {s}; it re-proposes slots {s} to {n}", "{node} 以 {b} 成为领导者：从槽位 {s} 起的第一阶段已完成；它重新提出槽位 {s} 到 {n}"},
		"note.mp.lead.none":        {"{node} leads with {b}: phase 1 is done for every slot from {s}; no vote was reported, so there is nothing to re-propose", "{node} 以 {b} 成为领导者：从槽位 {s} 起的第一阶段已完成；没有报告任何投票，无需重新提出"},
		"note.mp.repropose":        {"{node} re-proposes {cmd} in slot {s} at {b} (the highest vote reported: {b2})", "{node} 在槽位 {s} 以 {b} 重新提出 {cmd}（所报告的最高投票：{b2}）"},
		"note.mp.propose":          {"{node} proposes {cmd} in slot {s} at {b}", "{node} 在槽位 {s} 以 {b} 提出 {cmd}"},
		"note.mp.queue":            {"{node} queues {cmd}: the window is full ({n} queued)", "{node} 将 {cmd} 排队：窗口已满（排队 {n} 个）"},
		"note.mp.accept":           {"{node} accepts {cmd} in slot {s} at {b} from {peer}", "{node} 接受 {peer} 在槽位 {s} 以 {b} 提出的 {cmd}"},
		"note.mp.reject_accept":    {"{node} rejects {peer}'s accept for slot {s} at {b}: it has promised {b2}", "{node} 拒绝 {peer} 在槽位 {s} 以 {b} 发来的 accept：它已承诺 {b2}"},
		"note.mp.ack_count":        {"{node} counts {peer}'s accepted for slot {s} at {b}: {n} of {q}", "{node} 计入 {peer} 对槽位 {s}（{b}）的 accepted：{n}/{q}"},
		"note.mp.ack_ignored":      {"{node} ignores {peer}'s accepted for slot {s} at {b}", "{node} 忽略 {peer} 对槽位 {s}（{b}）的 accepted"},
		"note.mp.decide":           {"{node} knows slot {s} is decided: {cmd} (from {peer})", "{node} 得知槽位 {s} 已决定：{cmd}（来自 {peer}）"},
		"note.mp.commit_ignored":   {"{node} already knows slot {s} is decided: it ignores the commit", "{node} 已知槽位 {s} 已决定：忽略该 commit"},
		"note.mp.execute":          {"{node} executes slot {s}: {cmd} gives {text}", "{node} 执行槽位 {s}：{cmd} 的结果是 {text}"},
		"note.mp.skip":             {"{node}'s session table skips {cmd} in slot {s}: it was executed before (result {text})", "{node} 的会话表跳过槽位 {s} 中的 {cmd}：它已执行过（结果 {text}）"},
		"note.mp.reply":            {"{node} replies {text} to {peer} for {cmd}", "{node} 就 {cmd} 向 {peer} 回复 {text}"},
		"note.mp.redirect":         {"{node} is not the leader: it tells {peer} to try {peer2}", "{node} 不是领导者：让 {peer} 去找 {peer2}"},
		"note.mp.displaced":        {"{node}'s {cmd} lost slot {s} to {cmd2}: it goes back to the head of the queue", "{node} 的 {cmd} 在槽位 {s} 输给了 {cmd2}：它回到队首"},
		"note.mp.step_down.0":      {"{node} stops leading {b}: a nack showed a higher ballot; {n2} pending request(s) get not_leader", "{node} 不再以 {b} 领导：一条拒绝显示了更高的选票；{n2} 个待处理请求收到 not_leader"},
		"note.mp.step_down.1":      {"{node} stops leading {b}: no majority answered its heartbeats in time; {n2} pending request(s) get not_leader", "{node} 不再以 {b} 领导：多数派没有及时回应它的心跳；{n2} 个待处理请求收到 not_leader"},
		"note.mp.step_down.2":      {"{node} stops leading {b} to stand again; {n2} pending request(s) get not_leader", "{node} 不再以 {b} 领导，重新竞选；{n2} 个待处理请求收到 not_leader"},
		"note.mp.nack_ignored":     {"{node} ignores {peer}'s nack for {b}", "{node} 忽略 {peer} 对 {b} 的拒绝"},
		"note.mp.heartbeat":        {"{node} sends heartbeat round {n} at {b}; its decided prefix is {s}", "{node} 以 {b} 发送第 {n} 轮心跳；它的已决定前缀是 {s}"},
		"note.mp.heartbeat_ok":     {"{node} acks {peer}'s heartbeat round {n} at {b}; its decided prefix is {s}", "{node} 确认 {peer} 以 {b} 发来的第 {n} 轮心跳；它的已决定前缀是 {s}"},
		"note.mp.reject_heartbeat": {"{node} rejects {peer}'s heartbeat {b}: it has promised {b2}", "{node} 拒绝 {peer} 的心跳 {b}：它已承诺 {b2}"},
		"note.mp.catch_up":         {"{node} resends the commits of slots {s} to {n} to {peer}", "{node} 向 {peer} 重发槽位 {s} 到 {n} 的 commit"},
		"note.mp.bug":              {"BUG {bug}: {node} deviates from the protocol here", "缺陷 {bug}：{node} 在这里偏离了协议"},
		"note.mp.client_send.0":    {"{node} sends {cmd} to {peer}", "{node} 向 {peer} 发送 {cmd}"},
		"note.mp.client_send.1":    {"{node} resends {cmd} to {peer}, as redirected", "{node} 按重定向向 {peer} 重发 {cmd}"},
		"note.mp.client_send.2":    {"{node}'s retry timer fired: it resends {cmd} to {peer}", "{node} 的重试计时器到期：向 {peer} 重发 {cmd}"},
		"note.mp.client_response":  {"{node} gets {text} for {cmd} from {peer}", "{node} 从 {peer} 得到 {cmd} 的结果 {text}"},
		"note.mp.client_ignored":   {"{node} ignores {peer}'s reply: that request is not outstanding", "{node} 忽略 {peer} 的回复：该请求已不在等待中"},
		"note.mp.timer":            {"{node}'s {timer} timer fires", "{node} 的{timer}计时器到期"},
		"note.mp.chosen":           {"CHOSEN: slot {s} holds {cmd}, accepted by a majority in one ballot, whether or not anyone knows it yet", "已选定：槽位 {s} 的 {cmd} 已被多数派在同一选票中接受，无论是否有人知道"},

		"mp.timer.election":  {"election", "选举"},
		"mp.timer.heartbeat": {"heartbeat", "心跳"},
		"mp.timer.step_down": {"step-down", "卸任"},
		"mp.timer.retry":     {"retry", "重试"},

		"inv.log-prefix":   {"log-prefix: each server executes slots 1, 2, 3, ... in order, and no two servers execute different commands in one slot", "日志前缀：每台服务器按 1、2、3…… 的顺序执行槽位，且任意两台服务器不会在同一槽位执行不同的命令"},
		"inv.exactly-once": {"exactly-once: no server applies one request's effect twice", "恰好一次：没有服务器把同一个请求的效果应用两次"},
		"inv.linearizable": {"linearizable: the clients' history has a legal order that respects real time", "可线性化：客户端历史存在一个尊重真实时间顺序的合法顺序"},
	})
}
