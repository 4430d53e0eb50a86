package i18n

// Goals of lessons on the lock service (engine/sim/mplockwords.go): a
// client's belief in a lock, judged on its own clock, and d1's stored
// value with its highest token. {n} is a token; a belief with token 0 is
// none, and {until} is "-" then.
func init() {
	add(map[string]entry{
		"want.mp_lock_yes":   {"{node} believes it holds lock {lock}", "{node} 认为自己持有锁 {lock}"},
		"want.mp_lock_no":    {"{node} does not believe it holds lock {lock}", "{node} 不认为自己持有锁 {lock}"},
		"want.mp_stored":     {"d1 has {k} = {v}", "d1 上 {k} = {v}"},
		"want.mp_stored_max": {"d1 has {k} = {v}, highest token {n}", "d1 上 {k} = {v}，最大令牌 {n}"},
		"got.mp_lock":        {"{node}'s clock reads {clock}; its token for {lock} is {n} (0: none), its belief runs until {until}", "{node} 的时钟读数为 {clock}；它对 {lock} 的令牌是 {n}（0 表示没有），它的认为持续到 {until}"},
		"got.mp_stored":      {"d1 has {k} = {v}, highest token {n}", "d1 上 {k} = {v}，最大令牌 {n}"},
	})
}
