package room

import "sync"

// Fanout delivers a room's frames to every socket that follows it. The
// in-process implementation is the default; several processes behind a
// router by room code would put a pub/sub system (NATS, Redis) behind the
// same interface, one subject per topic.
type Fanout interface {
	// Subscribe follows topic with a buffer of buf frames.
	Subscribe(topic string, buf int) Subscription
	// Publish writes msg to every subscriber of topic without blocking; a
	// subscriber whose buffer is full is dropped (its Dropped channel
	// closes) and never stalls the others. It returns how many got it.
	Publish(topic string, msg []byte) int
}

// Subscription is one follower of a topic.
type Subscription interface {
	// C carries the frames.
	C() <-chan []byte
	// Dropped closes when the subscriber fell behind and was dropped.
	Dropped() <-chan struct{}
	// Close unsubscribes (idempotent).
	Close()
}

// LocalFanout is the in-process Fanout.
type LocalFanout struct {
	mu     sync.RWMutex
	topics map[string]map[*localSub]struct{}
}

// NewLocalFanout returns an empty in-process fan-out.
func NewLocalFanout() *LocalFanout {
	return &LocalFanout{topics: map[string]map[*localSub]struct{}{}}
}

type localSub struct {
	f       *LocalFanout
	topic   string
	ch      chan []byte
	dropped chan struct{}
	once    sync.Once
}

func (s *localSub) C() <-chan []byte         { return s.ch }
func (s *localSub) Dropped() <-chan struct{} { return s.dropped }
func (s *localSub) Close()                   { s.f.remove(s, false) }

// Subscribe implements Fanout.
func (f *LocalFanout) Subscribe(topic string, buf int) Subscription {
	s := &localSub{f: f, topic: topic, ch: make(chan []byte, max(buf, 1)), dropped: make(chan struct{})}
	f.mu.Lock()
	m := f.topics[topic]
	if m == nil {
		m = map[*localSub]struct{}{}
		f.topics[topic] = m
	}
	m[s] = struct{}{}
	f.mu.Unlock()
	return s
}

func (f *LocalFanout) remove(s *localSub, drop bool) {
	f.mu.Lock()
	if m := f.topics[s.topic]; m != nil {
		delete(m, s)
		if len(m) == 0 {
			delete(f.topics, s.topic)
		}
	}
	f.mu.Unlock()
	if drop {
		s.once.Do(func() { close(s.dropped) })
	}
}

// Publish implements Fanout.
func (f *LocalFanout) Publish(topic string, msg []byte) int {
	var slow []*localSub
	n := 0
	f.mu.RLock()
	for s := range f.topics[topic] {
		select {
		case s.ch <- msg:
			n++
		default:
			slow = append(slow, s)
		}
	}
	f.mu.RUnlock()
	for _, s := range slow {
		f.remove(s, true)
	}
	return n
}

// Subscribers counts a topic's subscribers.
func (f *LocalFanout) Subscribers(topic string) int {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return len(f.topics[topic])
}
