package web

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/go-chi/chi/v5"

	"github.com/paxviz/paxviz/i18n"
)

// clientFrame is what the browser sends: one script line or session verb.
type clientFrame struct {
	Cmd string `json:"cmd"`
}

// tokenBucket limits one connection's command rate.
type tokenBucket struct {
	rate, burst, tokens float64
	last                time.Time
}

func (b *tokenBucket) allow(now time.Time) bool {
	if b.last.IsZero() {
		b.last, b.tokens = now, b.burst
	}
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// full reports whether the bucket would be full at now.
func (b *tokenBucket) full(now time.Time) bool {
	return b.last.IsZero() || b.tokens+now.Sub(b.last).Seconds()*b.rate >= b.burst
}

const (
	// subscriberBuf is how many frames may wait for one client.
	subscriberBuf = 64
	// maxQueuedBytes bounds the bytes waiting for one client: a client
	// that falls this far behind is dropped (a state with 1,000 messages
	// in flight is about 120 KB).
	maxQueuedBytes = 2 << 20
)

// sockets counts the open websockets in all, per session and per address.
type sockets struct {
	mu        sync.Mutex
	total     int
	bySession map[string]int
	byAddr    map[string]int
}

// openSocket takes a place for a socket, or returns the HTTP status that says
// why there is none: 503 when the server or the session is full, 429 when
// the address holds too many.
func (s *Server) openSocket(id, addr string) int {
	k := &s.sockets
	k.mu.Lock()
	defer k.mu.Unlock()
	switch {
	case k.total >= s.opts.MaxSockets, k.bySession[id] >= s.opts.MaxSocketsPerSession:
		return http.StatusServiceUnavailable
	case k.byAddr[addr] >= s.opts.MaxSocketsPerAddr:
		return http.StatusTooManyRequests
	}
	k.total++
	k.bySession[id]++
	k.byAddr[addr]++
	return 0
}

func (s *Server) closeSocket(id, addr string) {
	k := &s.sockets
	k.mu.Lock()
	defer k.mu.Unlock()
	k.total--
	if k.bySession[id]--; k.bySession[id] == 0 {
		delete(k.bySession, id)
	}
	if k.byAddr[addr]--; k.byAddr[addr] == 0 {
		delete(k.byAddr, addr)
	}
}

// addrBuckets limit the commands of each client address, from all its
// sockets together.
type addrBuckets struct {
	mu          sync.Mutex
	rate, burst float64
	m           map[string]*tokenBucket
}

func (a *addrBuckets) allow(addr string, now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	b := a.m[addr]
	if b == nil {
		if len(a.m) >= maxAddrs {
			for k, old := range a.m {
				if old.full(now) {
					delete(a.m, k)
				}
			}
		}
		b = &tokenBucket{rate: a.rate, burst: a.burst}
		a.m[addr] = b
	}
	return b.allow(now)
}

// clientAddr is the address a request comes from, for per-address
// limits: an IPv4 address, or an IPv6 address's /64 (one subscriber's
// network: a single client may use any address in it).
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil || ip.To4() != nil {
		return host
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) {
	sess, err := s.reg.Get(chi.URLParam(r, "id"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	addr := clientAddr(r)
	if status := s.openSocket(sess.ID, addr); status != 0 {
		http.Error(w, i18n.T(langOf(r), "err.too_many_sockets"), status)
		return
	}
	defer s.closeSocket(sess.ID, addr)
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: s.opts.Origins})
	if err != nil {
		return // Accept has written the error (e.g. a foreign origin: 403)
	}
	defer c.CloseNow()
	c.SetReadLimit(maxFrameBytes)
	// Not r.Context(): the request context ends when the handler's
	// connection is hijacked.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Closing: the first close wins. It runs the close handshake (which
	// the handler waits for before it drops the connection), then cancels
	// ctx, ending the reader and the writer. A client too slow to keep up
	// is not waited for: ctx is cancelled first, which ends the connection
	// at once (coder/websocket closes a connection whose read or write
	// context ends).
	var once sync.Once
	closed := make(chan struct{})
	sub := &subscriber{ch: make(chan []byte, subscriberBuf), lang: langOf(r)}
	sub.close = func(code websocket.StatusCode, reason string) {
		once.Do(func() {
			go func() {
				defer close(closed)
				if code == websocket.StatusPolicyViolation {
					cancel()
				}
				c.Close(code, reason)
				cancel()
			}()
		})
	}
	sub.closeSlow = func() { sub.close(websocket.StatusPolicyViolation, "connection too slow to keep up") }
	defer func() {
		once.Do(func() { close(closed) }) // no close under way: none may start now
		<-closed
	}()
	if err := sess.subscribe(ctx, sub); err != nil {
		c.Close(websocket.StatusGoingAway, "session closed")
		return
	}
	defer sess.unsubscribe(sub)
	go func() {
		defer cancel()
		defer func() {
			if p := recover(); p != nil {
				s.log.Error("websocket writer panic", "session", sess.ID, "panic", p, "stack", string(debug.Stack()))
			}
		}()
		// Every write has a deadline: one timer per connection, re-armed
		// for each frame (a timer per frame per subscriber costs a lot at
		// a thousand subscribers). A write stuck past it drops the
		// client.
		deadline := time.AfterFunc(time.Hour, sub.closeSlow)
		deadline.Stop()
		defer deadline.Stop()
		for {
			select {
			case b := <-sub.ch:
				sub.queued.Add(-int64(len(b)))
				deadline.Reset(s.opts.WriteTimeout)
				err := c.Write(ctx, websocket.MessageText, b)
				deadline.Stop()
				if err != nil {
					return
				}
			case <-ctx.Done():
				return
			case <-sess.done:
				// Wait for the handshake: this goroutine's cancel must not
				// cut it short.
				sub.close(websocket.StatusGoingAway, "session ended")
				<-closed
				return
			}
		}
	}()
	limit := &tokenBucket{rate: s.opts.CommandRate, burst: float64(s.opts.CommandBurst)}
	for {
		typ, data, err := c.Read(ctx)
		if err != nil {
			if errors.Is(err, websocket.ErrMessageTooBig) {
				c.Close(websocket.StatusMessageTooBig, "frame too large")
			}
			return
		}
		if typ != websocket.MessageText {
			sub.sendError("", "binary frames are not accepted; send JSON {\"cmd\": \"...\"}")
			continue
		}
		now := time.Now()
		if !limit.allow(now) {
			sub.sendError("", i18n.T(sub.lang, "err.commands_conn"))
			continue
		}
		if !s.addrCmds.allow(addr, now) {
			sub.sendError("", i18n.T(sub.lang, "err.commands_addr"))
			continue
		}
		var f clientFrame
		if err := json.Unmarshal(data, &f); err != nil || f.Cmd == "" {
			sub.sendError("", "malformed frame: send JSON {\"cmd\": \"<script line>\"}")
			continue
		}
		if err := sess.send(ctx, sub, f.Cmd); err != nil {
			return
		}
	}
}
