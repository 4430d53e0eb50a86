package i18n

// Texts of the web polish round: hints that name the session's own nodes,
// and the errors of a script that could not be opened.
func init() {
	add(map[string]entry{
		"cmderr.usage_partition_servers": {"Name the groups, separated by |, with * for everyone else. For example: partition s1 s2 | *", "写出各组节点，用 | 分隔，* 表示其余所有节点。例如：partition s1 s2 | *"},
	})
}
