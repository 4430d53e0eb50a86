package i18n

// Comparisons in lessons and the per-address limits on comparisons
// (web/comparelimit.go, web/cmplesson.go, static/cmplesson.js).
func init() {
	add(map[string]entry{
		"compare.too_fast":  {"Too many comparisons from your address; wait a few seconds and try again.", "来自你的地址的对比太多；请等几秒再试。"},
		"compare.addr_busy": {"A comparison from your address is still running; wait for it to finish.", "来自你的地址的一个对比仍在运行；请等它结束。"},
	})
}
