package i18n

// Lesson player strings added for issue 8 (kept apart from ui.go, which
// others edit at the same time).
func init() {
	add(map[string]entry{
		"lesson.objectives": {"What you will learn", "本课目标"},
	})
}
