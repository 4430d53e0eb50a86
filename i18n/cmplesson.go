package i18n

// Comparisons in lessons and the per-address limits on comparisons
// (web/comparelimit.go, web/cmplesson.go, static/cmplesson.js).
func init() {
	add(map[string]entry{
		"compare.too_fast":  {"Too many comparisons from your address; wait a few seconds and try again.", "来自你的地址的对比太多；请等几秒再试。"},
		"compare.addr_busy": {"A comparison from your address is still running; wait for it to finish.", "来自你的地址的一个对比仍在运行；请等它结束。"},
		"cmpl.locked":       {"Answer the prediction first: then the comparison runs here, both protocols on one timeline.", "先回答预测：然后对比会在这里运行，两个协议共用一条时间线。"},
		"cmpl.own":          {"Your schedule: the goal is checked on it.", "你的调度：目标按它检查。"},
		"cmpl.not_here":     {"This lesson step shows no comparison.", "本课的这一步没有对比。"},
		"cmpl.want_n":       {"{ap}: {ac} {op} {n}", "{ap}：{ac} {op} {n}"},
		"cmpl.want_o":       {"{ap}: {ac} {op} {bp}: {bc}", "{ap}：{ac} {op} {bp}：{bc}"},
		"cmpl.now_n":        {"{ap}: {ac} is {av}", "{ap}：{ac}为 {av}"},
		"cmpl.now_o":        {"{av} against {bv}", "{av} 对 {bv}"},
		"cmpl.none":         {"no comparison has run", "还没有运行对比"},
		"cmpl.m.neither":    {"ticks where neither has a leader", "两者都没有领导者的 tick 数"},
		"cmpl.goal_open":    {"Not yet: edit the schedule and run both to make these true.", "还没有：修改调度并运行两者，使这些成立。"},
		"cmpl.p.both":       {"Both at once", "两者同时"},
		// The counters a lesson's goal may name (lessons.CompareCounters).
		"cmpl.c.commands":    {"commands issued", "已发出的命令"},
		"cmpl.c.committed":   {"commands committed", "已提交的命令"},
		"cmpl.c.elections":   {"elections started", "发起的选举"},
		"cmpl.c.won":         {"elections won", "赢得的选举"},
		"cmpl.c.failed":      {"elections failed", "失败的选举"},
		"cmpl.c.leaderless":  {"leaderless ticks", "无领导者的 tick 数"},
		"cmpl.c.moved":       {"entries moved in votes", "随投票移动的条目"},
		"cmpl.c.repaired":    {"older-term entries sent in repair", "修复时发送的旧任期条目"},
		"cmpl.c.restamped":   {"entries re-stamped", "重新标记的条目"},
		"cmpl.c.overwritten": {"entries overwritten", "被覆盖的条目"},
		"cmpl.c.messages":    {"messages", "消息数"},
		"cmpl.c.latency_max": {"longest commit latency (ticks)", "最长提交延迟（tick）"},
		"cmpl.c.violations":  {"invariant violations", "不变式违反"},
	})
}
