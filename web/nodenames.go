package web

// namesServers reports whether the session's nodes are servers (s1, s2,
// ...): every Multi-Paxos and Raft cluster, and a single-decree cluster of
// servers=N. Error hints then give examples with those names.
func (s *Session) namesServers() bool {
	return s.mp != nil || (s.h != nil && s.h.Cluster().Servers > 0)
}
