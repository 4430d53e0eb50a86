package i18n

// The cluster view's remaining issue 10 texts: a broken lesson's URL and
// command errors said in words.
func init() {
	add(map[string]entry{
		"err.lesson_unavailable": {"This lesson is unavailable.", "这门课程暂时无法打开。"},
		"err.lesson_why":         {"Instructor: why?", "讲师：查看原因"},
		"instr.focus":            {"Why the lesson “{id}” is unavailable:", "课程“{id}”无法打开的原因："},
		"instr.all":              {"All problems", "全部问题"},
	})
}
