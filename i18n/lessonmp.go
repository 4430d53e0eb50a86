package i18n

// Goals of lessons on a Multi-Paxos cluster (engine/sim/mpexpect.go): what
// an expect line claims ("want.mp_*") and what the state is instead
// ("got.mp_*"); "want.expect" and "got.text" say a protocol's expectation
// that has no words of its own by its script text.
func init() {
	add(map[string]entry{
		"want.mp_chosen":      {"{cmd} is chosen in slot {slot}", "槽位 {slot} 选定了 {cmd}"},
		"want.mp_chosen_none": {"nothing is chosen in slot {slot} yet", "槽位 {slot} 还没有选定任何命令"},
		"want.mp_log":         {"{node}'s log is {log}", "{node} 的日志是 {log}"},
		"want.mp_log_none":    {"{node} has decided no slot yet", "{node} 还没有决定任何槽位"},
		"want.mp_value":       {"{node} has {k} = {v}", "{node} 上 {k} = {v}"},
		"want.mp_reply":       {"{node}'s latest response is {r}", "{node} 最近收到的响应是 {r}"},
		"want.mp_reply_id":    {"{node}'s latest response, to {id}, is {r}", "{node} 对 {id} 收到的响应是 {r}"},
		"want.mp_reply_none":  {"{node} has had no response yet", "{node} 还没有收到任何响应"},
		"want.mp_leader":      {"{node} leads", "{node} 是领导者"},
		"want.mp_leader_none": {"no server leads", "没有服务器是领导者"},
		"want.mp_vote":        {"{node} voted ({b}, {cmd}) in slot {slot}", "{node} 在槽位 {slot} 投了（{b}, {cmd}）"},
		"want.mp_vote_none":   {"{node} has not voted in slot {slot}", "{node} 在槽位 {slot} 还没有投票"},
		"want.mp_lease_yes":   {"{node} holds a valid leader lease", "{node} 持有有效的领导者租约"},
		"want.mp_lease_no":    {"{node} holds no valid leader lease", "{node} 没有有效的领导者租约"},
		"want.expect":         {"{text}", "{text}"},

		"got.mp_chosen":       {"slot {slot} chose {cmd}", "槽位 {slot} 选定的是 {cmd}"},
		"got.mp_log":          {"{node}'s log is {log}", "{node} 的日志是 {log}"},
		"got.mp_value":        {"{node} has {k} = {v}", "{node} 上 {k} = {v}"},
		"got.mp_reply_none":   {"{node} has had no response", "{node} 还没有收到任何响应"},
		"got.mp_log_none":     {"{node} has decided no slot", "{node} 还没有决定任何槽位"},
		"got.mp_leaders_none": {"no server leads", "没有服务器是领导者"},
		"got.mp_reply_id":     {"{node}'s latest response, to {id}, is {r}", "{node} 最近收到的响应（对 {id}）是 {r}"},
		"got.mp_leaders":      {"leaders: {v}", "领导者：{v}"},
		"got.mp_vote":         {"{node} voted ({b}, {cmd}) in slot {slot}", "{node} 在槽位 {slot} 投了（{b}, {cmd}）"},
		"got.mp_vote_none":    {"{node} has not voted in slot {slot}", "{node} 在槽位 {slot} 还没有投票"},
		"got.mp_lease":        {"{node}'s clock reads {clock}; its lease runs until {until}", "{node} 的时钟读数为 {clock}；它的租约到 {until} 为止"},
		"got.mp_lease_none":   {"{node}'s clock reads {clock}; it holds no lease", "{node} 的时钟读数为 {clock}；它没有租约"},
		"got.text":            {"{text}", "{text}"},
	})
}
