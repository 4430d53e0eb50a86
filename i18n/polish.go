package i18n

// Words added by the polish pass: the narration of a commit that
// bugs=commit_old_term makes (a leader counts copies of an entry of an
// earlier term, which correct Raft never does), and the errors a command
// meets in the Multi-Paxos and Raft sandboxes (web/errtext.go).
func init() {
	add(map[string]entry{
		"note.raft.commit.old_term": {"leader {node}'s commitIndex rises to {i} on copies of an entry of the earlier term {t2}, not of its own term {t}: correct Raft would not commit it yet", "领导者 {node} 的 commitIndex 升到 {i}，依据的是较早任期 {t2} 的条目的副本数，而非它本任期 {t} 的条目：正确的 Raft 此时还不会提交它"},

		"cmderr.usage_sel_mp":         {"Say which message: #N (its number), a type (request, reply, prepare, promise, nack, accept, accepted, commit, heartbeat, heartbeat_ok), FROM->TO, or both, with * for any; then b=BALLOT, s=SLOT, id=REQUEST or v=VALUE if needed. For example: {cmd} accept s1->*", "请指明是哪条消息：#N（消息编号）、类型（request、reply、prepare、promise、nack、accept、accepted、commit、heartbeat、heartbeat_ok）、FROM->TO，或两者都写，* 表示任意；需要时再加 b=选票、s=槽位、id=请求编号 或 v=值。例如：{cmd} accept s1->*"},
		"cmderr.usage_sel_raft":       {"Say which message: #N (its number), a type (requestvote, vote, append, appendreply), FROM->TO, or both, with * for any; then t=TERM if needed. For example: {cmd} append s1->*", "请指明是哪条消息：#N（消息编号）、类型（requestvote、vote、append、appendreply）、FROM->TO，或两者都写，* 表示任意；需要时再加 t=任期。例如：{cmd} append s1->*"},
		"cmderr.unknown_command_list": {"“{cmd}” is not a command. Commands: {cmds}.", "“{cmd}”不是命令。可用的命令：{cmds}。"},
		"cmderr.client_crash":         {"{node} is a client, and clients do not crash.", "{node} 是客户端，客户端不会宕机。"},
		"cmderr.op_args":              {"{op} takes {n} words after the client: put C K V, get C K, cas C K OLD NEW.", "{op} 在客户端之后需要 {n} 个词：put C K V、get C K、cas C K OLD NEW。"},
		"cmderr.op_word":              {"“{w}” cannot be a key or a value: use letters, digits, _, - and . (and to=S only once).", "“{w}”不能作键或值：请用字母、数字、_、- 和 .（to=S 只能写一次）。"},
		"cmderr.op_nil":               {"nil means “no value” and cannot be written; choose another value.", "nil 表示“没有值”，不能写入；请换一个值。"},
		"cmderr.bad_token":            {"“{w}” is not a token: a token is a slot number.", "“{w}”不是令牌：令牌是一个槽位编号。"},
		"cmderr.outstanding":          {"{node} is still waiting for the reply to its last request: one request at a time per client (timeout {node} makes it retry).", "{node} 还在等上一个请求的回复：每个客户端一次只有一个请求（timeout {node} 让它重试）。"},
		"cmderr.not_outstanding":      {"{node} has no request waiting for a reply.", "{node} 没有在等回复的请求。"},
		"cmderr.request_numbers":      {"{node} has used every request number.", "{node} 已用完所有请求编号。"},
		"cmderr.no_token":             {"{node} holds no token for that lock: acquire it first.", "{node} 没有这把锁的令牌：请先 acquire。"},
		"cmderr.no_belief":            {"{node} does not believe it holds that lock.", "{node} 并不认为自己持有这把锁。"},
		"cmderr.need_lock":            {"The lock service needs app=lock in the cluster line.", "锁服务需要在 cluster 行里写 app=lock。"},
		"cmderr.paused":               {"{node} is paused: resume it first.", "{node} 已暂停：请先 resume。"},
		"cmderr.already_paused":       {"{node} is already paused.", "{node} 已经暂停了。"},
		"cmderr.not_paused":           {"{node} is not paused.", "{node} 没有暂停。"},
		"cmderr.via_get":              {"via= chooses how a get is read; it is for get only.", "via= 选择 get 的读法，只用于 get。"},
		"cmderr.via":                  {"via={v}: the read paths are log, index and lease.", "via={v}：读法只有 log、index 和 lease。"},
		"cmderr.clock_rate":           {"rate={r}: a clock's rate is a whole number from {lo} to {hi} (100 is true time, within drift={d}).", "rate={r}：时钟速率必须是 {lo} 到 {hi} 之间的整数（100 为真实时间，偏差不超过 drift={d}）。"},
		"cmderr.bad_ballot":           {"“{v}” is not a ballot: write R.I (round.server, for example 2.3).", "“{v}”不是选票：请写作 R.I（轮次.服务器，例如 2.3）。"},
		"cmderr.bad_slot":             {"“{v}” is not a slot: write a number from 1.", "“{v}”不是槽位：请写一个从 1 起的数。"},
		"cmderr.bad_req":              {"“{v}” is not a request id: write CLIENT.N, for example c1.2.", "“{v}”不是请求编号：请写作 客户端.序号，例如 c1.2。"},
		"cmderr.bad_term":             {"“t={v}” is not a term: write t=TERM once, with TERM from 1.", "“t={v}”不是任期：t=任期 只写一次，任期从 1 起。"},
		"cmderr.noop_reserved":        {"{v} is reserved for the leader's no-op entry: propose another value.", "{v} 留给领导者的空操作条目：请提议别的值。"},
		"cmderr.log_full":             {"The leader's log is full.", "领导者的日志已满。"},
		"cmderr.no_timer":             {"That node has no such timer.", "这个节点没有这种计时器。"},

		"usage.mp_request": {"put C K V | get C K | cas C K OLD NEW, each with [to=S]", "put C K V | get C K | cas C K OLD NEW，都可加 [to=S]"},
		"usage.clock":      {"clock NODE rate=R (R in percent of true time)", "clock NODE rate=R（R 为真实时间的百分数）"},
		"usage.write":      {"write C K V (K names the lock whose token the store carries)", "write C K V（K 是锁名，存储会带上这把锁的令牌）"},
	})
}
