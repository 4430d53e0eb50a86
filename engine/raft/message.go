package raft

import (
	"errors"
	"strconv"
	"strings"
)

// Entry is one log entry: the term of the leader that created it and the
// command, an opaque value (raft.md §1.3). The no-op's value is "noop".
type Entry struct {
	Term  int32
	Value string
}

// NoopValue is the reserved value of the no-op entry (§1.9).
const NoopValue = "noop"

// IsNoop reports whether e is a no-op.
func (e Entry) IsNoop() bool { return e.Value == NoopValue }

// String renders e as the trace prints it: "TERM:VALUE".
func (e Entry) String() string { return strconv.Itoa(int(e.Term)) + ":" + e.Value }

// MaxValueLen bounds a proposed value.
const MaxValueLen = 64

// Errors of proposed values (script errors).
var (
	ErrNoopReserved = errors.New("raft: noop is reserved: propose another value")
	ErrBadValue     = errors.New("raft: a value is 1..64 letters, digits or _ . : -")
)

// CheckValue reports whether v may be proposed: a token that prints and
// parses back inside a log (`[1:X 2:Y]`), and not the reserved no-op.
func CheckValue(v string) error {
	if v == NoopValue {
		return ErrNoopReserved
	}
	if v == "" || len(v) > MaxValueLen {
		return ErrBadValue
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == ':' || c == '-'
		if !ok {
			return ErrBadValue
		}
	}
	return nil
}

// FormatLog renders a log as the trace prints it: "[1:X 1:Y 2:noop]",
// index = position; "[]" when empty.
func FormatLog(log []Entry) string {
	var sb strings.Builder
	appendLog(&sb, log)
	return sb.String()
}

func appendLog(sb *strings.Builder, log []Entry) {
	sb.WriteByte('[')
	for i, e := range log {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(strconv.Itoa(int(e.Term)))
		sb.WriteByte(':')
		sb.WriteString(e.Value)
	}
	sb.WriteByte(']')
}

// MsgType is the type of a Raft message (raft.md §2).
type MsgType uint8

// Message types.
const (
	MsgNone        MsgType = iota
	MsgRequestVote         // candidate -> server: RequestVote arguments
	MsgVote                // voter -> candidate: RequestVote results
	MsgAppend              // leader -> server: AppendEntries arguments
	MsgAppendReply         // server -> leader: AppendEntries results
	NumMsgTypes
)

var msgTypeNames = [...]string{"none", "requestvote", "vote", "append", "appendreply"}

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

// Message is one Raft message. The world assigns ID when the message is
// sent; the protocol never reads it. candidateId and leaderId are From
// (§2). Fields a type does not use are zero. A message is a value:
// Entries is never written after the send (it may share the sender's log
// backing array, which a server never rewrites below its length: a cut
// copies the log).
type Message struct {
	ID       int
	Type     MsgType
	From, To NodeID
	// Term is t of every message.
	Term int32
	// LastIndex and LastTerm are a requestvote's lastLogIndex and
	// lastLogTerm.
	LastIndex, LastTerm int32
	// Granted is a vote's voteGranted.
	Granted bool
	// PrevIndex, PrevTerm, Entries and Commit are an append's
	// prevLogIndex, prevLogTerm, entries[] and leaderCommit.
	PrevIndex, PrevTerm int32
	Entries             []Entry
	Commit              int32
	// Success and Match are an appendreply's success and matchIndex
	// (prevLogIndex + len(entries) on success, else 0; §1.5).
	Success bool
	Match   int32
}

// Describe renders m as the trace prints it (raft.md §2), e.g.
// "#9 append s2->s1 t=2 prevIndex=1 prevTerm=1 entries=[2:noop 2:Y] commit=1".
// IDs of zero are left out.
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
	num := func(key string, n int32) {
		sb.WriteByte(' ')
		sb.WriteString(key)
		sb.WriteByte('=')
		sb.WriteString(strconv.Itoa(int(n)))
	}
	num("t", m.Term)
	switch m.Type {
	case MsgRequestVote:
		num("lastIndex", m.LastIndex)
		num("lastTerm", m.LastTerm)
	case MsgVote:
		if m.Granted {
			sb.WriteString(" granted")
		} else {
			sb.WriteString(" refused")
		}
	case MsgAppend:
		num("prevIndex", m.PrevIndex)
		num("prevTerm", m.PrevTerm)
		sb.WriteString(" entries=")
		appendLog(sb, m.Entries)
		num("commit", m.Commit)
	case MsgAppendReply:
		if m.Success {
			sb.WriteString(" ok")
			num("match", m.Match)
		} else {
			sb.WriteString(" fail")
		}
	}
}
