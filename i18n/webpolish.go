package i18n

// Texts of the web polish round: hints that name the session's own nodes,
// and the errors of a script that could not be opened.
func init() {
	add(map[string]entry{
		"cmderr.usage_partition_servers": {"Name the groups, separated by |, with * for everyone else. For example: partition s1 s2 | *", "写出各组节点，用 | 分隔，* 表示其余所有节点。例如：partition s1 s2 | *"},
	})
}

// The errors of a script that could not be opened (its cluster line, the
// home form's cluster), line by line.
func init() {
	add(map[string]entry{
		"openerr.line":             {"Line {line}: {error}", "第 {line} 行：{error}"},
		"openerr.election":         {"{kv}: write election=MIN-MAX with 1 ≤ MIN ≤ MAX ≤ {hi}.", "{kv}：应写作 election=MIN-MAX，且 1 ≤ MIN ≤ MAX ≤ {hi}。"},
		"openerr.election_form":    {"{kv}: write election=MIN-MAX (two whole numbers).", "{kv}：应写作 election=MIN-MAX（两个整数）。"},
		"openerr.range":            {"{kv}: the value must be {lo} to {hi}.", "{kv}：取值必须在 {lo} 到 {hi} 之间。"},
		"openerr.bit":              {"{kv}: the value must be 0 or 1.", "{kv}：取值只能是 0 或 1。"},
		"openerr.not_number_range": {"{kv}: the value must be a whole number from 0 to {hi}.", "{kv}：取值必须是 0 到 {hi} 之间的整数。"},
		"openerr.not_number":       {"{kv}: the value must be a whole number.", "{kv}：取值必须是整数。"},
		"openerr.form_not_number":  {"{k}: “{v}” is not a whole number.", "{k}：“{v}”不是整数。"},
		"openerr.not_kv":           {"The cluster line has “{w}”, which is not key=value.", "集群行中的“{w}”不是 键=值 的形式。"},
		"openerr.unknown_key":      {"The cluster line has no setting “{key}”; the settings are {keys}.", "集群行没有“{key}”这个设置；可用的设置：{keys}。"},
		"openerr.unknown_bug":      {"There is no bug “{bug}”; the bugs are {bugs}.", "没有名为“{bug}”的错误变体；可用的有：{bugs}。"},
		"openerr.leader":           {"leader={node}: the leader must be a server ({nodes}).", "leader={node}：领导者必须是服务器（{nodes}）。"},
		"openerr.app":              {"app={v}: the applications are kv and lock.", "app={v}：应用只有 kv 和 lock。"},
		"openerr.ttl":              {"ttl= is the lease of the lock service: it needs app=lock.", "ttl= 是锁服务的租约，需要同时写 app=lock。"},
		"openerr.reads":            {"reads={v}: the read paths are log, index and lease.", "reads={v}：读法只有 log、index 和 lease。"},
		"openerr.needs_roles":      {"The cluster line needs proposers=N and acceptors=N, or servers=N.", "集群行需要写 proposers=N 和 acceptors=N，或者 servers=N。"},
		"openerr.servers_roles":    {"servers= cannot be combined with proposers=, acceptors= or learners=.", "servers= 不能与 proposers=、acceptors= 或 learners= 同时使用。"},
		"openerr.cannot_run":       {"The sandbox cannot run a {p} cluster yet (paxviz run can).", "沙盒还不能运行 {p} 集群（可以用 paxviz run 运行）。"},
		"openerr.first":            {"A script starts with its cluster line (cluster ...), not with “{w}”.", "脚本必须以集群行（cluster ...）开头，而不是“{w}”。"},
		"openerr.no_cluster":       {"The script has no cluster line: it starts with cluster proposers=N acceptors=N (or cluster servers=N).", "脚本没有集群行：应以 cluster proposers=N acceptors=N（或 cluster servers=N）开头。"},
		"openerr.char":             {"The line has a control or non-ASCII character outside a comment.", "这一行在注释之外含有控制字符或非 ASCII 字符。"},
		"openerr.unknown_command":  {"“{cmd}” is not a command of a script. Commands: {list}.", "“{cmd}”不是脚本中的命令。可用的命令：{list}。"},
		"openerr.expectation":      {"“expect {w}” is not an expectation; write it as: {usage}", "“expect {w}”不是可用的检查；应写作：{usage}"},
	})
}
