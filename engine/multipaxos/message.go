package multipaxos

import (
	"strconv"
	"strings"
)

// MsgType is the type of a Multi-Paxos message (multipaxos.md §2).
type MsgType uint8

// Message types.
const (
	MsgNone        MsgType = iota
	MsgRequest             // client -> server: a command under its id
	MsgReply               // server -> client: a result, or not_leader with a hint
	MsgPrepare             // candidate -> all servers: phase 1a for every slot >= from
	MsgPromise             // server -> candidate: phase 1b with its votes for slots >= from
	MsgNack                // server -> sender: "I promised a higher ballot"
	MsgAccept              // leader -> all servers: phase 2a for one slot
	MsgAccepted            // server -> leader: phase 2b for one slot
	MsgCommit              // leader -> other servers: the slot is decided
	MsgHeartbeat           // leader -> other servers: liveness and its decided prefix
	MsgHeartbeatOK         // server -> leader: ack with its own decided prefix
	MsgStore               // lock client -> d1: a write with its fencing token (lock.go)
	MsgStored              // d1 -> client: applied (ok) or stale, with d1's max token
	NumMsgTypes
)

var msgTypeNames = [...]string{
	"none", "request", "reply", "prepare", "promise", "nack", "accept",
	"accepted", "commit", "heartbeat", "heartbeat_ok", "store", "stored",
}

// String returns the script name of t.
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

// SlotVote is one vote an acceptor reports in a promise: slot S, ballot B,
// command Cmd.
type SlotVote struct {
	Slot int32
	B    Ballot
	Cmd  Cmd
}

// Message is one Multi-Paxos message. The world assigns ID when the message
// is sent; the protocol never reads it. Fields a type does not use are
// zero. A message is a value: Votes is never written after the send.
type Message struct {
	ID       int
	Type     MsgType
	From, To NodeID
	// Ballot is b: of a prepare, promise, accept, accepted, heartbeat(_ok),
	// and of the request a nack rejects.
	Ballot Ballot
	// Slot is s of an accept, accepted, commit and a nack to an accept.
	Slot int32
	// FromSlot is from= of a prepare and a promise: the first slot the
	// candidate does not know decided.
	FromSlot int32
	// Cmd is the command of a request (with its id), accept and commit.
	Cmd Cmd
	// Votes are a promise's votes for slots >= FromSlot, by slot.
	Votes []SlotVote
	// Promised and Rejects are a nack's higher promise and the type of the
	// message it rejects (prepare, accept or heartbeat).
	Promised Ballot
	Rejects  MsgType
	// Upto and Round are a heartbeat's (or heartbeat_ok's) decided prefix
	// and round r. A store's Upto is its token, a stored's d1's max token
	// (its Cmd.Key and Cmd.Val the key and value, its Result ok or stale).
	Upto, Round int32
	// Req, Result, NotLeader and Hint are a reply's: the request id, its
	// result, or err=not_leader with hint= (None: none).
	Req       ReqID
	Result    string
	NotLeader bool
	Hint      NodeID
	// Via is a request's read path (lease.go; printed unless via=log);
	// WhyLease marks a nack to a prepare refused by a lease guard
	// (why=lease).
	Via      Via
	WhyLease bool
}

// Describe renders m as the trace prints it (multipaxos.md §2), e.g.
// "#4 accept s1->s2 b=1.1 s=1 v=c1.1:put:x:1". IDs of zero are left out.
func (c *Config) Describe(m *Message) string {
	var sb strings.Builder
	sb.Grow(64)
	c.AppendDescribe(&sb, m)
	return sb.String()
}

// AppendDescribe writes Describe(m) to sb.
func (c *Config) AppendDescribe(sb *strings.Builder, m *Message) {
	if m.ID > 0 {
		sb.WriteByte('#')
		sb.WriteString(strconv.Itoa(m.ID))
		sb.WriteByte(' ')
	}
	sb.WriteString(m.Type.String())
	sb.WriteByte(' ')
	sb.WriteString(c.Name(m.From))
	sb.WriteString("->")
	sb.WriteString(c.Name(m.To))
	ballot := func() { sb.WriteString(" b="); sb.WriteString(m.Ballot.String()) }
	num := func(key string, n int32) {
		sb.WriteByte(' ')
		sb.WriteString(key)
		sb.WriteByte('=')
		sb.WriteString(strconv.Itoa(int(n)))
	}
	cmd := func() { sb.WriteString(" v="); sb.WriteString(m.Cmd.String()) }
	switch m.Type {
	case MsgRequest:
		sb.WriteString(" id=")
		sb.WriteString(m.Cmd.ID.String())
		sb.WriteString(" op=")
		sb.WriteString(m.Cmd.OpString())
		if m.Via != ViaLog {
			sb.WriteString(" via=")
			sb.WriteString(m.Via.String())
		}
	case MsgReply:
		sb.WriteString(" id=")
		sb.WriteString(m.Req.String())
		if m.NotLeader {
			sb.WriteString(" err=not_leader hint=")
			sb.WriteString(c.Name(m.Hint))
		} else {
			sb.WriteString(" r=")
			sb.WriteString(m.Result)
		}
	case MsgPrepare:
		ballot()
		num("from", m.FromSlot)
	case MsgPromise:
		ballot()
		num("from", m.FromSlot)
		sb.WriteString(" votes=[")
		for i, v := range m.Votes {
			if i > 0 {
				sb.WriteString("; ")
			}
			sb.WriteString("s=")
			sb.WriteString(strconv.Itoa(int(v.Slot)))
			sb.WriteString(" b=")
			sb.WriteString(v.B.String())
			sb.WriteString(" v=")
			sb.WriteString(v.Cmd.String())
		}
		sb.WriteByte(']')
	case MsgNack:
		ballot()
		sb.WriteString(" promised=")
		sb.WriteString(m.Promised.String())
		if m.Rejects == MsgAccept {
			num("s", m.Slot)
		}
		if m.WhyLease {
			sb.WriteString(" why=lease")
		}
	case MsgAccept:
		ballot()
		num("s", m.Slot)
		cmd()
	case MsgAccepted:
		ballot()
		num("s", m.Slot)
	case MsgCommit:
		num("s", m.Slot)
		cmd()
	case MsgHeartbeat, MsgHeartbeatOK:
		ballot()
		num("upto", m.Upto)
		num("r", m.Round)
	case MsgStore:
		sb.WriteString(" key=")
		sb.WriteString(m.Cmd.Key)
		sb.WriteString(" v=")
		sb.WriteString(m.Cmd.Val)
		num("tok", m.Upto)
	case MsgStored:
		sb.WriteString(" key=")
		sb.WriteString(m.Cmd.Key)
		if m.Result == ResultStale {
			sb.WriteString(" err=stale")
		} else {
			sb.WriteString(" ok")
		}
		num("max", m.Upto)
	}
}
