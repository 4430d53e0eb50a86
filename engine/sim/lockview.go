package sim

import (
	"slices"
	"strings"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
)

// The time part of the Multi-Paxos view (multipaxos.md §3.2, §3.3): every
// node's clock beside true time, the leases as intervals of true time
// (leader leases and guards on the servers; per lock client the lock it
// believes it holds, judged on its own clock, and the grant as the log
// has it), the lock service (holder and tokens, d1's values and max
// tokens, the stores d1 applied or rejected), and the three read paths
// with the messages each read cost, counted along the run. Intervals and
// read costs depend on the path that led to a state, so they are recorded
// as the events pass (mpTimeRec, kept in mpCounters); the rest is read
// from the state. Every time is in hundredths of a tick of true time.

// MPClockView is one node's clock beside true time.
type MPClockView struct {
	Name string `json:"name"`
	Role string `json:"role"` // server, client or data
	// Clock is the node's clock reading, Rate its speed in percent of
	// true time.
	Clock  int  `json:"clock"`
	Rate   int  `json:"rate"`
	Paused bool `json:"paused"`
	Up     bool `json:"up"`
}

// MPBar is one interval on the true-time axis.
type MPBar struct {
	Node string `json:"node"`
	// Kind: lease (a leader's lease), guard (a server's guard for For's
	// lease), quiet (a restarted server's quiet period), belief (a lock
	// client believes it holds Lock, on its own clock) or granted (the
	// log grants Lock to the client, until an expire or release executes).
	Kind  string `json:"kind"`
	For   string `json:"for,omitempty"`
	Lock  string `json:"lock,omitempty"`
	Token int    `json:"token,omitempty"`
	From  int    `json:"from"`
	// To is when the interval ended, or, while Open, when it will end if
	// the owner's clock keeps its rate (now, for an open grant).
	To   int  `json:"to"`
	Open bool `json:"open"`
	// Due is, for an open grant, when the leader's clock will have run
	// ttl since the grant or last renew (it proposes the expire at its
	// next heartbeat after that); 0: no leader knows the grant.
	Due int `json:"due,omitempty"`
}

// MPBeliefView is what one client believes of one lock.
type MPBeliefView struct {
	Client string `json:"client"`
	Token  int    `json:"token"`
	// Until is the client's clock reading at which its belief ends; Holds
	// says its clock is still below it.
	Until int  `json:"until"`
	Holds bool `json:"holds"`
}

// MPLockView is one lock: its holder and token as the log has them, and
// what each client believes.
type MPLockView struct {
	Name    string         `json:"name"`
	Holder  string         `json:"holder,omitempty"`
	Token   int            `json:"token,omitempty"`
	Beliefs []MPBeliefView `json:"beliefs"`
}

// MPDataView is one key of d1.
type MPDataView struct {
	Key string `json:"key"`
	Val string `json:"val"`
	Max int    `json:"max"`
}

// MPStoreView is one store d1 answered: applied (OK) or rejected as
// stale; Lower marks one applied although its token was below d1's max
// (no_fencing).
type MPStoreView struct {
	Step   int    `json:"step"`
	Client string `json:"client"`
	Key    string `json:"key"`
	Val    string `json:"val"`
	Token  int    `json:"token"`
	Max    int    `json:"max"`
	OK     bool   `json:"ok"`
	Lower  bool   `json:"lower,omitempty"`
}

// MPReadPathCost totals the reads answered by one path.
type MPReadPathCost struct {
	Path string `json:"path"`
	// Reads answered; Messages between servers and Delays (request to
	// reply) summed over them.
	Reads    int `json:"reads"`
	Messages int `json:"messages"`
	Delays   int `json:"delays"`
}

// MPReadView is one answered read.
type MPReadView struct {
	ID       string `json:"id"`
	Via      string `json:"via"`  // the path asked for
	Path     string `json:"path"` // the path that answered
	Server   string `json:"server"`
	Result   string `json:"result"`
	Messages int    `json:"messages"`
	Delays   int    `json:"delays"`
}

// MPTimeView is the time part of the Multi-Paxos view.
type MPTimeView struct {
	Now   int  `json:"now"`
	Drift int  `json:"drift"`
	Lease int  `json:"lease"`
	TTL   int  `json:"ttl,omitempty"`
	Lock  bool `json:"lock"`
	// Clocked says time matters in this cluster: a lock service, leases,
	// drift, a clock set or a node paused (else the view is here only for
	// the read paths).
	Clocked bool `json:"clocked"`
	// Clocks lists the servers, the clients, then d1.
	Clocks []MPClockView    `json:"clocks"`
	Bars   []MPBar          `json:"bars"`
	Locks  []MPLockView     `json:"locks"`
	Data   []MPDataView     `json:"data"`
	Stores []MPStoreView    `json:"stores"`
	Reads  []MPReadPathCost `json:"reads"`
	Recent []MPReadView     `json:"recent_reads"`
}

// Bounds on what mpTimeRec keeps.
const (
	mpMaxBars   = 64
	mpMaxStores = 8
	mpMaxReads  = 8
	// mpMaxFollowed bounds the reads followed at once.
	mpMaxFollowed = 16
)

// mpReadRec follows one read from its request to the end of the chain
// of messages its answering attempt caused.
type mpReadRec struct {
	id       string
	via, how mp.Via
	server   string
	// attempt counts the deliveries of the read's request (a retry after
	// not_leader is a new attempt); messages are the server-to-server
	// messages of the current attempt's chain.
	attempt  int32
	messages int
	answered bool
}

// mpReadTag marks a message sent because of attempt of read rec, depth
// delays after the request reached a server.
type mpReadTag struct{ rec, attempt, depth int32 }

// mpTimeRec records what the time view needs from the path: the
// intervals, d1's answers and the reads' costs.
type mpTimeRec struct {
	bars   []MPBar
	stores []MPStoreView
	reads  []mpReadRec // unanswered reads
	tags   map[int]mpReadTag
	paths  [3]MPReadPathCost
	recent []MPReadView
}

func (r mpTimeRec) clone() mpTimeRec {
	r.bars = slices.Clone(r.bars)
	r.stores = slices.Clone(r.stores)
	r.reads = slices.Clone(r.reads)
	r.recent = slices.Clone(r.recent)
	if r.tags != nil {
		t := make(map[int]mpReadTag, len(r.tags))
		for k, v := range r.tags {
			t[k] = v
		}
		r.tags = t
	}
	return r
}

// trueAt is the true time (hundredths) at which node id's clock reads c,
// if it keeps its rate.
func trueAt(w *World[mp.Message, Narration], id, c int) int {
	return w.now*ClockUnit + (c-w.Clock(id))*100/w.Rate(id)
}

// logServer is the server that has executed the most slots (the lowest
// of equals): its lock table is the log's say on who holds what.
func logServer(st *mp.State) *mp.Server {
	best := &st.Servers[0]
	for i := range st.Servers {
		if st.Servers[i].V.SlotOut > best.V.SlotOut {
			best = &st.Servers[i]
		}
	}
	return best
}

// activeBars lists the intervals that hold now, each with the end it
// would have (To) and Open set.
func activeBars(s *MPSim) []MPBar {
	cfg, st, w := s.p.cfg, &s.p.st, s.W
	var out []MPBar
	if cfg.Lease > 0 {
		for i := range cfg.Servers {
			sv := &st.Servers[i]
			clock, name := w.Clock(i), cfg.Name(mp.NodeID(i))
			if sv.HasLease(clock) {
				out = append(out, MPBar{Node: name, Kind: "lease", To: trueAt(w, i, sv.V.Lease), Open: true})
			}
			if sv.Up && clock < sv.V.Guard {
				b := MPBar{Node: name, Kind: "quiet", To: trueAt(w, i, sv.V.Guard), Open: true}
				if sv.V.GuardFor != mp.None {
					b.Kind, b.For = "guard", cfg.Name(sv.V.GuardFor)
				}
				out = append(out, b)
			}
			// An earlier guard still running after the server acked
			// another leader (or its quiet period): its own bar.
			if sv.Up && clock < sv.V.GuardAll {
				b := MPBar{Node: name, Kind: "quiet", To: trueAt(w, i, sv.V.GuardAll), Open: true}
				if sv.V.GuardAllFor != mp.None {
					b.Kind, b.For = "guard", cfg.Name(sv.V.GuardAllFor)
				}
				out = append(out, b)
			}
		}
	}
	if st.Lock == nil {
		return out
	}
	for i, cl := range st.Lock.Clients {
		id := int(cfg.Client(i + 1))
		for _, b := range cl.Beliefs {
			if b.Token != 0 && w.Clock(id) < b.Until {
				out = append(out, MPBar{Node: cfg.Name(mp.NodeID(id)), Kind: "belief", Lock: b.Lock, Token: int(b.Token), To: trueAt(w, id, b.Until), Open: true})
			}
		}
	}
	for _, e := range logServer(st).V.Locks.Entries {
		if e.Holder != 0 {
			out = append(out, MPBar{Node: cfg.Name(cfg.Client(int(e.Holder))), Kind: "granted", Lock: e.Name, Token: int(e.Token), To: w.now * ClockUnit, Open: true})
		}
	}
	return out
}

// sameBar reports whether a and b are the same interval.
func sameBar(a, b *MPBar) bool {
	return a.Node == b.Node && a.Kind == b.Kind && a.For == b.For && a.Lock == b.Lock && a.Token == b.Token
}

// syncBars brings bars up to the state: open intervals that still hold
// take their new end, the others close (at their end, or now if that was
// later, as when a crash or a higher ballot ended them); new ones open.
func syncBars(bars []MPBar, s *MPSim) []MPBar {
	now := s.W.now * ClockUnit
	act := activeBars(s)
	used := make([]bool, len(act))
	for i := range bars {
		b := &bars[i]
		if !b.Open {
			continue
		}
		k := slices.IndexFunc(act, func(a MPBar) bool { return sameBar(&a, b) })
		if k >= 0 && !used[k] {
			used[k] = true
			b.To = max(act[k].To, b.From)
			continue
		}
		b.Open, b.To = false, max(min(b.To, now), b.From)
	}
	for k := range act {
		if used[k] {
			continue
		}
		// An interval that ended at this very instant goes on (a lease
		// renewed as it ran out).
		j := slices.IndexFunc(bars, func(b MPBar) bool { return !b.Open && b.To == now && sameBar(&b, &act[k]) })
		if j >= 0 {
			bars[j].Open, bars[j].To = true, max(act[k].To, now)
			continue
		}
		{
			b := act[k]
			b.From = now
			b.To = max(b.To, now)
			bars = append(bars, b)
		}
	}
	// Drop the oldest closed intervals beyond the bound.
	for len(bars) > mpMaxBars {
		k := slices.IndexFunc(bars, func(b MPBar) bool { return !b.Open })
		if k < 0 {
			break
		}
		bars = slices.Delete(bars, k, k+1)
	}
	return bars
}

// observe records one event.
func (r *mpTimeRec) observe(s *MPSim, ev *WEvent[mp.Message, Narration]) {
	cfg := s.p.cfg
	if cfg.Lock || cfg.Lease > 0 {
		r.bars = syncBars(r.bars, s)
	}
	r.observeStore(s, ev)
	r.observeReads(s, ev)
}

// observeStore records d1's answer to a store.
func (r *mpTimeRec) observeStore(s *MPSim, ev *WEvent[mp.Message, Narration]) {
	cfg := s.p.cfg
	m := &ev.Msg
	if ev.Act.Kind != ActDeliver || m.Type != mp.MsgStore || m.To != cfg.Data() {
		return
	}
	for i := range ev.Sent {
		a := &ev.Sent[i].Msg
		if a.Type != mp.MsgStored {
			continue
		}
		rec := MPStoreView{Step: ev.Step, Client: cfg.Name(m.From), Key: m.Cmd.Key, Val: m.Cmd.Val, Token: int(m.Upto),
			Max: int(a.Upto), OK: a.Result == mp.ResultOK}
		rec.Lower = rec.OK && rec.Token < rec.Max
		r.stores = append(r.stores, rec)
		if len(r.stores) > mpMaxStores {
			r.stores = r.stores[1:]
		}
	}
}

// observeReads follows the reads: a get's request starts a chain, every
// message sent while handling a message of the chain joins it, and the
// server-to-server messages of the chain are the read's cost (those sent
// after the reply too: the commits of a read through the log). Only the
// attempt that answered counts: a retry's delivery starts a new attempt.
// The notes of the server that answers tell the path it took.
func (r *mpTimeRec) observeReads(s *MPSim, ev *WEvent[mp.Message, Narration]) {
	cfg := s.p.cfg
	m := &ev.Msg
	tag, tagged := mpReadTag{}, false
	if m.ID > 0 && r.tags != nil {
		tag, tagged = r.tags[m.ID]
		if ev.Act.Kind != ActDup {
			delete(r.tags, m.ID)
		}
	}
	for i := range ev.Removed {
		delete(r.tags, ev.Removed[i].ID)
	}
	var rec *mpReadRec
	if tagged && ev.Act.Kind != ActDrop {
		rec = &r.reads[tag.rec]
		if m.Type == mp.MsgRequest && ev.Act.Kind == ActDeliver && !rec.answered {
			// The request reached a server: a new attempt, whose notes
			// say how it reads.
			rec.attempt++
			rec.how, rec.server, rec.messages = mp.ViaLog, cfg.Name(m.To), 0
			tag = mpReadTag{rec: tag.rec, attempt: rec.attempt}
		}
		if tag.attempt != rec.attempt {
			rec = nil // an earlier attempt's message
		}
	}
	if rec != nil && !rec.answered {
		prefix := rec.id + ":"
		for _, n := range ev.Notes {
			if !strings.HasPrefix(n.Args["cmd"], prefix) {
				continue
			}
			switch n.Key {
			case "note.mp.read_local.0":
				rec.how = mp.ViaLease
			case "note.mp.read_index":
				rec.how = mp.ViaIndex
			}
		}
	}
	answer := -1
	for i := range ev.Sent {
		x := &ev.Sent[i].Msg
		if x.Type == mp.MsgRequest && x.Cmd.Op == mp.OpGet && cfg.IsClient(x.From) {
			// A get's request (or its retry) starts a chain.
			id := x.Cmd.ID.String()
			k := slices.IndexFunc(r.reads, func(rr mpReadRec) bool { return rr.id == id })
			if k < 0 {
				r.reads = append(r.reads, mpReadRec{id: id, via: x.Via})
				k = len(r.reads) - 1
				rec = nil // the slice may have moved
				if tagged && tag.attempt == r.reads[tag.rec].attempt {
					rec = &r.reads[tag.rec]
				}
			}
			if r.tags == nil {
				r.tags = map[int]mpReadTag{}
			}
			r.tags[x.ID] = mpReadTag{rec: int32(k), attempt: -1}
			continue
		}
		if rec == nil {
			continue
		}
		if ev.Act.Kind == ActDup {
			r.tags[x.ID] = tag
			continue
		}
		if ev.Sent[i].Fate == FateInFlight {
			r.tags[x.ID] = mpReadTag{rec: tag.rec, attempt: tag.attempt, depth: tag.depth + 1}
		}
		if cfg.IsServer(x.From) && cfg.IsServer(x.To) && x.From != x.To {
			rec.messages++
			if rec.answered {
				r.paths[rec.how].Messages++
				if k := slices.IndexFunc(r.recent, func(v MPReadView) bool { return v.ID == rec.id }); k >= 0 {
					r.recent[k].Messages++
				}
			}
		}
		if x.Type == mp.MsgReply && !x.NotLeader && !rec.answered && x.Req.String() == rec.id && cfg.IsServer(x.From) {
			answer = i
		}
	}
	if answer >= 0 && ev.Act.Kind != ActDup {
		r.answer(rec, &ev.Sent[answer].Msg, int(tag.depth)+2)
	}
	r.compact()
}

// answer records rec's first reply x, d delays after its request was
// sent, with the messages of its chain so far.
func (r *mpTimeRec) answer(rec *mpReadRec, x *mp.Message, d int) {
	rec.answered = true
	p := &r.paths[rec.how]
	p.Reads++
	p.Messages += rec.messages
	p.Delays += d
	r.recent = append(r.recent, MPReadView{ID: rec.id, Via: rec.via.String(), Path: rec.how.String(), Server: rec.server,
		Result: x.Result, Messages: rec.messages, Delays: d})
	if len(r.recent) > mpMaxReads {
		r.recent = r.recent[1:]
	}
}

// compact forgets answered reads that no message in flight follows, and
// the oldest reads beyond mpMaxFollowed (a read whose answer came along
// a path it could not follow, as a get a new leader re-proposed).
func (r *mpTimeRec) compact() {
	if len(r.reads) == 0 {
		return
	}
	live := make([]bool, len(r.reads))
	for _, t := range r.tags {
		live[t.rec] = true
	}
	n := 0
	for i := range r.reads {
		if !r.reads[i].answered || live[i] {
			n++
		}
	}
	keep := make([]int32, len(r.reads))
	k := int32(0)
	for i := range r.reads {
		keep[i] = -1
		if (!r.reads[i].answered || live[i]) && n <= mpMaxFollowed {
			r.reads[k] = r.reads[i]
			keep[i] = k
			k++
		} else if !r.reads[i].answered || live[i] {
			n--
		}
	}
	if int(k) == len(r.reads) {
		return
	}
	r.reads = r.reads[:k]
	for id, t := range r.tags {
		if t.rec = keep[t.rec]; t.rec < 0 {
			delete(r.tags, id)
			continue
		}
		r.tags[id] = t
	}
}

// timeView renders the time part of the view, nil for a cluster where
// time does not matter (see Clocked) and no read was answered.
func (h *MPHistory) timeView() *MPTimeView {
	s, r := h.cur.s, &h.cur.c.time
	cfg, st, w := s.p.cfg, &s.p.st, s.W
	reads := 0
	for _, p := range r.paths {
		reads += p.Reads
	}
	paused := false
	for i := range cfg.Nodes() {
		paused = paused || w.Paused(i)
	}
	clocks := cfg.Lock || cfg.Lease > 0 || cfg.Drift > 0 || w.ClocksSet() || paused
	if !clocks && reads == 0 {
		return nil
	}
	v := &MPTimeView{Now: w.now * ClockUnit, Drift: cfg.Drift, Lease: cfg.Lease, Lock: cfg.Lock, Clocked: clocks,
		Clocks: []MPClockView{}, Bars: []MPBar{}, Locks: []MPLockView{}, Data: []MPDataView{},
		Stores: append([]MPStoreView{}, r.stores...), Reads: []MPReadPathCost{}, Recent: append([]MPReadView{}, r.recent...)}
	if cfg.Lock {
		v.TTL = cfg.TTL
	}
	for i := range cfg.Nodes() {
		role := "server"
		if cfg.IsClient(mp.NodeID(i)) {
			role = "client"
		} else if mp.NodeID(i) == cfg.Data() {
			role = "data"
		}
		v.Clocks = append(v.Clocks, MPClockView{Name: cfg.Name(mp.NodeID(i)), Role: role, Clock: w.Clock(i), Rate: w.Rate(i),
			Paused: w.Paused(i), Up: s.p.Up(i)})
	}
	for i, p := range r.paths {
		p.Path = mp.Via(i).String()
		v.Reads = append(v.Reads, p)
	}
	if cfg.Lock || cfg.Lease > 0 {
		v.Bars = append(v.Bars, syncBars(slices.Clone(r.bars), s)...)
	}
	if st.Lock == nil {
		return v
	}
	// The leader's expiry clock for each open grant.
	var leader *mp.Server
	for i := range st.Servers {
		if sv := &st.Servers[i]; sv.Up && sv.IsLeader() {
			leader = sv
		}
	}
	for i := range v.Bars {
		b := &v.Bars[i]
		if b.Kind != "granted" || !b.Open || leader == nil {
			continue
		}
		for _, e := range leader.V.Locks.Entries {
			if e.Name == b.Lock && e.Token == int32(b.Token) && e.Holder != 0 {
				b.Due = trueAt(w, int(leader.ID), e.Since+cfg.TTL*100)
			}
		}
	}
	table := logServer(st).V.Locks.Entries
	var names []string
	for _, e := range table {
		names = append(names, e.Name)
	}
	for _, cl := range st.Lock.Clients {
		for _, b := range cl.Beliefs {
			names = append(names, b.Lock)
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	for _, name := range names {
		lv := MPLockView{Name: name, Beliefs: []MPBeliefView{}}
		for _, e := range table {
			if e.Name == name && e.Holder != 0 {
				lv.Holder, lv.Token = cfg.Name(cfg.Client(int(e.Holder))), int(e.Token)
			}
		}
		for i := range st.Lock.Clients {
			b := st.Lock.Belief(i+1, name)
			if b.Token == 0 {
				continue
			}
			id := int(cfg.Client(i + 1))
			lv.Beliefs = append(lv.Beliefs, MPBeliefView{Client: cfg.Name(mp.NodeID(id)), Token: int(b.Token), Until: b.Until, Holds: w.Clock(id) < b.Until})
		}
		v.Locks = append(v.Locks, lv)
	}
	for _, d := range st.Lock.D1 {
		v.Data = append(v.Data, MPDataView{Key: d.Key, Val: d.Val, Max: int(d.Max)})
	}
	return v
}
