package engine

import "strings"

// NodeID indexes a node in Config.Nodes. IDs are dense, so per-node state
// lives in slices and never in maps (map order must not decide anything).
type NodeID int16

// Value is what a client proposes: a word of letters, digits, '_', '-', ':'
// and '.'. The empty Value means "none".
type Value string

// MsgType is the type of a protocol message (paxos.md §1.3).
type MsgType uint8

// The protocol messages. Lamport's TLA+ names are in brackets.
const (
	MsgNone     MsgType = iota
	MsgPrepare          // 1a: proposer → acceptors, ballot n ["1a"]
	MsgPromise          // 1b: acceptor → proposer, n plus the acceptor's vote ["1b"]
	MsgNack             // acceptor → proposer: "I promised a higher ballot"
	MsgAccept           // 2a: proposer → acceptors, (n, v) ["2a"]
	MsgAccepted         // 2b: acceptor → learners, (n, v) ["2b"]
	// MsgDecided: learner → proposer, an answer to the accepted votes of
	// the proposer's ballot n, which came after the learner had learned:
	// "v is chosen already; stop". paxos.md §1.3's optional Decided; Paxos
	// Made Simple §2.3 lets learners inform others of the outcome. Sent
	// only with separate roles.
	MsgDecided
)

var msgTypeNames = [...]string{"none", "prepare", "promise", "nack", "accept", "accepted", "decided"}

// String returns the script name of t ("prepare", "promise", ...).
func (t MsgType) String() string {
	if int(t) < len(msgTypeNames) {
		return msgTypeNames[t]
	}
	return "unknown"
}

// ParseMsgType returns the message type with script name s.
func ParseMsgType(s string) (MsgType, bool) {
	for i, n := range msgTypeNames {
		if i > 0 && n == s {
			return MsgType(i), true
		}
	}
	return MsgNone, false
}

// Message is one protocol message. The simulator assigns ID when the message
// is sent; the engine never reads it.
type Message struct {
	ID     int
	Type   MsgType
	From   NodeID
	To     NodeID
	Ballot Ballot // n: the ballot of the prepare or accept this message is or answers
	Value  Value  // accept, accepted: the value v
	// VoteBallot and VoteValue are, in a promise, the acceptor's
	// highest-numbered vote (zero and "" when it has not voted).
	VoteBallot Ballot
	VoteValue  Value
	// Promised is, in a nack, the higher ballot the acceptor has promised.
	Promised Ballot
	// Rejects is, in a nack, the type of the request it rejects
	// (MsgPrepare or MsgAccept).
	Rejects MsgType
}

// Describe renders m in script syntax, e.g.
// "#4 promise a1->p1 b=1.1 last=(1.1,X)". IDs of zero are left out.
func (c *Config) Describe(m *Message) string {
	var sb strings.Builder
	sb.Grow(48)
	if m.ID > 0 {
		sb.WriteByte('#')
		writeInt(&sb, m.ID)
		sb.WriteByte(' ')
	}
	sb.WriteString(m.Type.String())
	sb.WriteByte(' ')
	sb.WriteString(c.Name(m.From))
	sb.WriteString("->")
	sb.WriteString(c.Name(m.To))
	sb.WriteString(" b=")
	sb.WriteString(m.Ballot.String())
	switch m.Type {
	case MsgAccept, MsgAccepted, MsgDecided:
		sb.WriteString(" v=")
		sb.WriteString(string(m.Value))
	case MsgPromise:
		if m.VoteBallot.IsZero() {
			sb.WriteString(" last=none")
		} else {
			sb.WriteString(" last=(")
			sb.WriteString(m.VoteBallot.String())
			sb.WriteByte(',')
			sb.WriteString(string(m.VoteValue))
			sb.WriteByte(')')
		}
	case MsgNack:
		sb.WriteString(" promised=")
		sb.WriteString(m.Promised.String())
	}
	return sb.String()
}

func writeInt(sb *strings.Builder, n int) {
	var buf [20]byte
	i := len(buf)
	if n == 0 {
		sb.WriteByte('0')
		return
	}
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		buf[i] = '-'
	}
	sb.Write(buf[i:])
}
