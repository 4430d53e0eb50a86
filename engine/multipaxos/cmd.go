package multipaxos

import (
	"errors"
	"strconv"
	"strings"
)

// Op is the operation of a command (multipaxos.md §1.1, §3.1).
type Op uint8

// Operations. OpNone is the zero Cmd: "no command".
// Every op from OpPut on is a client's, under its request id; OpNoop and
// OpExpire (the lock service's leader command, lock.go) are not.
const (
	OpNone Op = iota
	OpNoop
	OpExpire
	OpPut
	OpGet
	OpCas
	OpAcquire
	OpRenew
	OpRelease
)

var opNames = [...]string{"none", "noop", "expire", "put", "get", "cas", "acquire", "renew", "release"}

// IsClientOp reports whether o is an operation a client issues.
func (o Op) IsClientOp() bool { return o >= OpPut && o <= OpRelease }

// IsKV reports whether o is a key-value operation (put, get, cas).
func (o Op) IsKV() bool { return o >= OpPut && o <= OpCas }

// String names the operation.
func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return "unknown"
}

// ReqID identifies a client request: c<Client>.<Seq>, Client 1-based.
type ReqID struct {
	Client int8
	Seq    int32
}

// IsZero reports whether id is "none".
func (id ReqID) IsZero() bool { return id.Client == 0 }

// String renders id as "c1.3".
func (id ReqID) String() string {
	if id.IsZero() {
		return "none"
	}
	return "c" + strconv.Itoa(int(id.Client)) + "." + strconv.Itoa(int(id.Seq))
}

// Cmd is one command a slot may decide: a client's key-value operation
// under its request id, or a no-op. The zero Cmd is "no command". Cmds are
// comparable with ==.
type Cmd struct {
	Op Op
	ID ReqID
	// Key and the arguments: put Key Val; get Key; cas Key Val (old, "nil"
	// for absent) New.
	Key, Val, New string
}

// Noop is the no-op a new leader puts in a hole (PMS §3).
var Noop = Cmd{Op: OpNoop}

// IsZero reports whether c is "no command".
func (c Cmd) IsZero() bool { return c.Op == OpNone }

// String renders c as in multipaxos.md §1.1: "c1.3:put:x:1", "noop".
func (c Cmd) String() string {
	switch c.Op {
	case OpNone:
		return "none"
	case OpNoop:
		return "noop"
	case OpExpire:
		return c.OpString()
	}
	return c.ID.String() + ":" + c.OpString()
}

// OpString renders c's operation without its id: "put:x:1", "get:x",
// "cas:x:0:1" (the request's op= field).
func (c Cmd) OpString() string {
	switch c.Op {
	case OpPut:
		return "put:" + c.Key + ":" + c.Val
	case OpGet:
		return "get:" + c.Key
	case OpCas:
		return "cas:" + c.Key + ":" + c.Val + ":" + c.New
	case OpAcquire:
		return "acquire:" + c.Key
	case OpRenew, OpRelease, OpExpire:
		return c.Op.String() + ":" + c.Key + ":" + c.Val
	}
	return c.Op.String()
}

// Results of key-value operations (multipaxos.md §3.1); a get returns the
// value, or NilResult.
const (
	ResultOK   = "ok"
	ResultFail = "fail"
	NilResult  = "nil"
)

// ErrOp is returned for a malformed key-value operation.
var ErrOp = errors.New("multipaxos: malformed operation")

// MaxWord bounds the length of keys and values.
const MaxWord = 64

func validWord(s string) bool {
	if s == "" || len(s) > MaxWord {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9', b == '_', b == '-', b == '.':
		default:
			return false
		}
	}
	return true
}

// NewOp builds the command of a script line (`put K V`, `get K`, `cas K OLD
// NEW`) without its id. Keys and values are words without ':'; `nil` is
// not a value (it may only be cas's OLD, meaning "absent").
func NewOp(op string, args ...string) (Cmd, error) {
	for _, a := range args {
		if !validWord(a) {
			return Cmd{}, errors.Join(ErrOp, errors.New(strconv.Quote(a)+": keys and values are words of letters, digits, '_', '-' and '.'"))
		}
	}
	want := map[string]int{"put": 2, "get": 1, "cas": 3, "acquire": 1, "renew": 2, "release": 2, "expire": 2}[op]
	if want == 0 {
		return Cmd{}, errors.Join(ErrOp, errors.New("unknown operation "+strconv.Quote(op)+" (put, get, cas, acquire, renew, release, expire)"))
	}
	if len(args) != want {
		return Cmd{}, errors.Join(ErrOp, errors.New(op+" takes "+strconv.Itoa(want)+" arguments"))
	}
	isNil := func(i int) bool { return args[i] == NilResult }
	switch op {
	case "put":
		if isNil(1) {
			return Cmd{}, errors.Join(ErrOp, errors.New("nil is not a value"))
		}
		return Cmd{Op: OpPut, Key: args[0], Val: args[1]}, nil
	case "get":
		return Cmd{Op: OpGet, Key: args[0]}, nil
	case "acquire", "renew", "release", "expire":
		return newLockOp(op, args)
	}
	if isNil(2) {
		return Cmd{}, errors.Join(ErrOp, errors.New("nil is not a value"))
	}
	return Cmd{Op: OpCas, Key: args[0], Val: args[1], New: args[2]}, nil
}

// ParseCmd reads a command as String prints it ("noop", "c1.3:put:x:1").
func ParseCmd(s string) (Cmd, error) {
	if s == "noop" {
		return Noop, nil
	}
	if rest, ok := strings.CutPrefix(s, "expire:"); ok {
		return NewOp("expire", strings.Split(rest, ":")...)
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 {
		return Cmd{}, ErrOp
	}
	id, err := ParseReqID(parts[0])
	if err != nil {
		return Cmd{}, err
	}
	c, err := NewOp(parts[1], parts[2:]...)
	if err != nil {
		return Cmd{}, err
	}
	if c.Op == OpExpire {
		return Cmd{}, ErrOp // the leader's, never under a client's id
	}
	c.ID = id
	return c, nil
}

// ParseReqID reads "c1.3".
func ParseReqID(s string) (ReqID, error) {
	cs, qs, ok := strings.Cut(s, ".")
	if !ok || len(cs) < 2 || cs[0] != 'c' || cs[1] == '+' || qs == "" || qs[0] == '+' {
		return ReqID{}, ErrOp
	}
	c, err := strconv.Atoi(cs[1:])
	if err != nil || c < 1 || c > MaxClients {
		return ReqID{}, ErrOp
	}
	q, err := strconv.Atoi(qs)
	if err != nil || q < 1 || q > MaxSeq {
		return ReqID{}, ErrOp
	}
	return ReqID{Client: int8(c), Seq: int32(q)}, nil
}

// MaxSeq bounds request numbers.
const MaxSeq = 1 << 30

// kvPair is one key of the store.
type kvPair struct{ Key, Val string }

// KV is the replicated key-value store (multipaxos.md §3.1): keys sorted,
// so that cloning is one copy and iteration is deterministic.
type KV struct {
	pairs []kvPair
}

func (kv *KV) find(k string) (int, bool) {
	lo, hi := 0, len(kv.pairs)
	for lo < hi {
		m := (lo + hi) / 2
		if kv.pairs[m].Key < k {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(kv.pairs) && kv.pairs[lo].Key == k
}

// Get returns k's value, or NilResult when absent.
func (kv *KV) Get(k string) string {
	if i, ok := kv.find(k); ok {
		return kv.pairs[i].Val
	}
	return NilResult
}

func (kv *KV) set(k, v string) {
	i, ok := kv.find(k)
	if ok {
		kv.pairs[i].Val = v
		return
	}
	kv.pairs = append(kv.pairs, kvPair{})
	copy(kv.pairs[i+1:], kv.pairs[i:])
	kv.pairs[i] = kvPair{k, v}
}

// Apply runs c on the store and returns its result (noop: "").
func (kv *KV) Apply(c Cmd) string {
	switch c.Op {
	case OpPut:
		kv.set(c.Key, c.Val)
		return ResultOK
	case OpGet:
		return kv.Get(c.Key)
	case OpCas:
		if kv.Get(c.Key) != c.Val {
			return ResultFail
		}
		kv.set(c.Key, c.New)
		return ResultOK
	}
	return ""
}

// Len returns the number of keys.
func (kv *KV) Len() int { return len(kv.pairs) }

// Each calls f for every key in order.
func (kv *KV) Each(f func(k, v string)) {
	for _, p := range kv.pairs {
		f(p.Key, p.Val)
	}
}

func (kv KV) clone() KV {
	if kv.pairs == nil {
		return kv
	}
	return KV{pairs: append([]kvPair(nil), kv.pairs...)}
}
