package multipaxos

import "errors"

// Client is the state of one client (multipaxos.md §1.6): one outstanding
// request at a time, sent to its hint, resent on not_leader and on its
// retry timer.
type Client struct {
	ID NodeID
	// Seq is the last request number used; durable, so that a reused id
	// never looks like a duplicate.
	Seq int32
	// Pending is the outstanding request (zero when none).
	Pending Cmd
	// Hint is the server the next request goes to (initially s1); LastTo
	// the server the outstanding request was last sent to.
	Hint, LastTo NodeID
	// Last and LastResult are the latest response: its id and result.
	Last       ReqID
	LastResult string
	// Via is the outstanding request's read path (lease.go).
	Via Via
}

// Clone returns a copy of c (a Client holds no references).
func (c *Client) Clone() Client { return *c }

// Errors of client actions (script errors, exit 2).
var (
	ErrOutstanding    = errors.New("multipaxos: the client already has a request outstanding")
	ErrNotOutstanding = errors.New("multipaxos: the client has no request outstanding")
	ErrNotServer      = errors.New("multipaxos: not a server")
)

// Request invokes op (a Cmd from NewOp, without id) at client c: c numbers
// it c.q, sends it to `to` (which becomes its hint) or, with to = None, to
// its hint, and arms its retry timer (§8 "A request line is one step").
func (c *Client) Request(cfg *Config, op Cmd, to NodeID, out *Out) error {
	return c.RequestVia(cfg, op, to, ViaLog, out)
}

// RequestVia is Request with a read path for a get (ViaLog for any other
// op).
func (c *Client) RequestVia(cfg *Config, op Cmd, to NodeID, via Via, out *Out) error {
	if !c.Pending.IsZero() {
		return ErrOutstanding
	}
	if to != None && !cfg.IsServer(to) {
		return ErrNotServer
	}
	if !op.Op.IsKV() && !(cfg.Lock && op.Op.IsClientOp()) {
		return ErrOp
	}
	if c.Seq >= MaxSeq {
		return errors.New("multipaxos: the client has used every request number")
	}
	c.Seq++
	op.ID = ReqID{Client: int8(cfg.ClientIndex(c.ID)), Seq: c.Seq}
	c.Pending = op
	c.Via = ViaLog
	if op.Op == OpGet {
		c.Via = via
	}
	if to != None {
		c.Hint = to
	}
	out.Client = append(out.Client, ClientEvent{Client: c.ID, Cmd: op})
	c.send(cfg, SendNew, out)
	return nil
}

func (c *Client) send(cfg *Config, reason int, out *Out) {
	to := c.Hint
	if !cfg.IsServer(to) {
		to = 0
	}
	c.LastTo = to
	out.note(Note{Kind: NoteClientSend, Node: c.ID, Peer: to, Cmd: c.Pending, N: reason})
	out.send(Message{Type: MsgRequest, From: c.ID, To: to, Cmd: c.Pending, Via: c.Via})
	out.arm(TimerRetry, cfg.Timeout, 0)
}

// Start emits a client's timers at time 0: none.
func (c *Client) Start(*Config, *Out) {}

// Step handles a reply delivered to c.
func (c *Client) Step(cfg *Config, m *Message, out *Out) {
	if m.Type != MsgReply || c.Pending.IsZero() || m.Req != c.Pending.ID || !cfg.IsServer(m.From) {
		out.note(Note{Kind: NoteClientIgnored, Node: c.ID, Peer: m.From, Cmd: Cmd{ID: m.Req}})
		return
	}
	if m.NotLeader {
		if cfg.IsServer(m.Hint) {
			c.Hint = m.Hint
		} else {
			c.Hint = cfg.nextServer(m.From)
		}
		c.send(cfg, SendRedirect, out)
		return
	}
	out.note(Note{Kind: NoteClientResponse, Node: c.ID, Peer: m.From, Cmd: c.Pending, Text: m.Result})
	out.Client = append(out.Client, ClientEvent{Client: c.ID, Return: true, Cmd: c.Pending, Result: m.Result})
	c.Last = c.Pending.ID
	c.LastResult = m.Result
	c.Pending = Cmd{}
	c.Hint = m.From
	out.stop(TimerRetry)
}

// Timeout fires c's retry timer: c resends its outstanding request to the
// server after the one it last sent to, in index order.
func (c *Client) Timeout(cfg *Config, out *Out) error {
	if c.Pending.IsZero() {
		return ErrNotOutstanding
	}
	c.Hint = cfg.nextServer(c.LastTo)
	c.send(cfg, SendRetry, out)
	return nil
}
