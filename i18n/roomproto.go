package i18n

// Rooms on every protocol: a Multi-Paxos or Raft room's own poll and
// errors.
func init() {
	add(map[string]entry{
		"room.poll_leader":         {"Who will lead next?", "下一个领导者会是谁？"},
		"room.q_leader":            {"Which server will be the next leader?", "哪台服务器会成为下一个领导者？"},
		"room.err_few_servers":     {"fewer than two servers are up to choose from (a \"who leads\" poll needs a Multi-Paxos or Raft cluster)", "可选的在线服务器少于两台（“谁来领导”投票需要 Multi-Paxos 或 Raft 集群）"},
		"room.err_other_proto":     {"this room runs {room}; the shared copy runs {copy}", "这个课堂运行的是 {room}；分享的副本运行的是 {copy}"},
		"room.err_replay":          {"the shared copy cannot be replayed: {why}", "无法重放分享的副本：{why}"},
		"room.protocol_paxos":      {"Paxos (single decree)", "Paxos（单值）"},
		"room.protocol_multipaxos": {"Multi-Paxos", "Multi-Paxos"},
		"room.protocol_raft":       {"Raft", "Raft"},
	})
}
