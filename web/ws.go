package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/go-chi/chi/v5"
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

const (
	writeTimeout  = 5 * time.Second
	subscriberBuf = 64
)

func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) {
	sess, err := s.reg.Get(chi.URLParam(r, "id"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
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
	var once sync.Once
	sub := &subscriber{ch: make(chan []byte, subscriberBuf), lang: langOf(r)}
	sub.closeSlow = func() {
		once.Do(func() {
			cancel()
			go c.Close(websocket.StatusPolicyViolation, "connection too slow to keep up")
		})
	}
	if err := sess.subscribe(ctx, sub); err != nil {
		c.Close(websocket.StatusGoingAway, "session closed")
		return
	}
	defer sess.unsubscribe(sub)
	go func() {
		defer cancel()
		// A write has no timer of its own (one per frame per subscriber
		// costs a lot at a thousand subscribers): a client that stops
		// reading fills its buffer and the session cancels ctx, which
		// aborts the blocked write; the session's watchdog also closes a
		// connection whose write has been stuck for writeTimeout.
		for {
			select {
			case b := <-sub.ch:
				sub.writing.Store(time.Now().UnixNano())
				err := c.Write(ctx, websocket.MessageText, b)
				sub.writing.Store(0)
				if err != nil {
					return
				}
			case <-ctx.Done():
				return
			case <-sess.done:
				c.Close(websocket.StatusGoingAway, "session ended")
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
		if !limit.allow(time.Now()) {
			sub.sendError("", "too many commands: slow down")
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
