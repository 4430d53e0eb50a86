package i18n

// The server's limits, as the user meets them (issue 8, items 13-20).
func init() {
	add(map[string]entry{
		"err.script_cut": {"This script was cut at line {line} ({cmd}): a session may run at most {max} events, so it opens after {events} events and the rest of the script was not run.",
			"脚本在第 {line} 行（{cmd}）被截断：一个会话最多运行 {max} 个事件，所以它在 {events} 个事件之后打开，脚本其余部分没有运行。"},
		"err.script_cut_time": {"This script was cut at line {line} ({cmd}): replaying it took longer than {secs} s, so it opens after {events} events and the rest of the script was not run.",
			"脚本在第 {line} 行（{cmd}）被截断：重放超过了 {secs} 秒，所以它在 {events} 个事件之后打开，脚本其余部分没有运行。"},
		"err.session_budget": {"This session has run its {max} events; nothing more can happen in it. Undo, switch branches, or export it and start a new one.",
			"这个会话已经运行了全部 {max} 个事件，不能再发生新的事件。可以撤销、切换分支，或导出后开始一个新会话。"},
		"err.command_events": {"One command may run at most {max} events (this one would take up to {n}); run it in smaller pieces.",
			"一条命令最多运行 {max} 个事件（这一条最多要 {n} 个）；请分几次运行。"},
		"err.addr_sessions": {"Too many sessions were opened from your address in a short time. Wait a minute and try again; sessions nobody watches end after a few minutes.",
			"你的地址在短时间内打开了太多会话。请等一分钟再试；没有人观看的会话几分钟后就会结束。"},
		"err.too_many_sessions": {"The server has too many live sessions; try again later.", "服务器上的会话太多了，请稍后再试。"},
		"err.shutting_down":     {"The server is restarting; try again in a moment.", "服务器正在重启，请稍后再试。"},
		"err.too_many_sockets":  {"Too many open connections; close some tabs and try again.", "打开的连接太多了；请关闭一些标签页后再试。"},
		"err.commands_conn":     {"Too many commands: slow down.", "命令太多了：请慢一点。"},
		"err.commands_session":  {"Too many commands on this session (from all its windows): slow down.", "这个会话（所有窗口合计）的命令太多了：请慢一点。"},
		"err.commands_addr":     {"Too many commands from your address: slow down.", "来自你的地址的命令太多了：请慢一点。"},
		"err.session_busy":      {"This session is busy; try again in a moment.", "这个会话正忙，请稍后再试。"},
	})
}
