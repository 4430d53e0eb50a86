package i18n

// Goals of lessons on a Raft cluster (engine/sim/raftwords.go): what an
// expect line claims ("want.raft_*") and what the state is instead
// ("got.raft_*").
func init() {
	add(map[string]entry{
		"want.raft_role_follower":  {"{node} is a follower", "{node} 是跟随者"},
		"want.raft_role_candidate": {"{node} is a candidate", "{node} 是候选者"},
		"want.raft_role_leader":    {"{node} is a leader", "{node} 是领导者"},
		"want.raft_term":           {"{node} is in term {n}", "{node} 处于任期 {n}"},
		"want.raft_commit":         {"{node}'s commit index is {n}", "{node} 的提交索引是 {n}"},
		"want.raft_applied":        {"{node} has applied {n} entries", "{node} 已应用 {n} 个条目"},
		"want.raft_log":            {"{node}'s log is {log}", "{node} 的日志是 {log}"},
		"want.raft_log_empty":      {"{node}'s log is empty", "{node} 的日志为空"},
		"want.raft_committed":      {"index {n} holds {v}, committed", "索引 {n} 已提交，内容是 {v}"},
		"want.raft_committed_none": {"nothing is committed at index {n} yet", "索引 {n} 还没有提交任何条目"},
		"want.raft_leader":         {"{node} leads", "{node} 是领导者"},
		"want.raft_leader_t":       {"{node} leads term {t}", "{node} 是任期 {t} 的领导者"},
		"want.raft_leader_none":    {"no server leads", "没有服务器是领导者"},
		"want.raft_leader_none_t":  {"no server leads term {t}", "没有服务器是任期 {t} 的领导者"},

		"got.raft_role_follower":  {"{node} is a follower", "{node} 是跟随者"},
		"got.raft_role_candidate": {"{node} is a candidate", "{node} 是候选者"},
		"got.raft_role_leader":    {"{node} is a leader", "{node} 是领导者"},
		"got.raft_term":           {"{node} is in term {n}", "{node} 处于任期 {n}"},
		"got.raft_commit":         {"{node}'s commit index is {n}", "{node} 的提交索引是 {n}"},
		"got.raft_applied":        {"{node} has applied {n} entries", "{node} 已应用 {n} 个条目"},
		"got.raft_log":            {"{node}'s log is {log}", "{node} 的日志是 {log}"},
		"got.raft_log_empty":      {"{node}'s log is empty", "{node} 的日志为空"},
		"got.raft_committed":      {"index {n} committed {entry}", "索引 {n} 提交的是 {entry}"},
		"got.raft_committed_none": {"index {n} is not committed", "索引 {n} 还没有提交"},
		"got.raft_leaders":        {"leaders: {v}", "领导者：{v}"},
		"got.raft_leaders_none":   {"no server leads", "没有服务器是领导者"},
	})
}
