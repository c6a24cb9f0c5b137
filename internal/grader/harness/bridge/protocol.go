package bridge

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

// The conversation: frames of [uvarint length][kind][body] on two pipes,
// descriptor 3 in and 4 out on both sides. A side that calls waits for
// the answer and meanwhile serves the calls the other side makes of the
// functions it lent (a callback calling back is fine, to any depth).
const (
	frameCall   = 'C' // target, receiver, arguments
	frameReturn = 'R' // results, receiver after, changed arguments
	framePanic  = 'P' // message, where
	frameHello  = 'H' // the package's variables
)

// Panic is what a test sees when the solution's code panicked.
type Panic struct{ Message, Where string }

func (p *Panic) Error() string { return p.Message }

// String is the panic's message and where it happened.
func (p *Panic) String() string {
	if p.Where == "" {
		return p.Message
	}
	return p.Message + "\n" + p.Where
}

// Gone is the panic of a call made after the other side's program ended.
type Gone struct{}

func (Gone) Error() string { return "the solution's program has ended" }

// Tamper is the panic of a side that received what is not a message.
type Tamper struct{ Why string }

func (t Tamper) Error() string { return "the solution's program broke the protocol: " + t.Why }

// Func serves one named function or method of the solution's package.
type Func func(c *Call)

// Side is this program's end of the conversation.
type Side struct {
	in  *bufio.Reader
	out *os.File

	lock  reentrant
	funcs []reflect.Value // functions lent to the other side, by id
	named map[string]Func // the solution's functions, by name
	vars  []varGroup      // pointers to the packages' variables, by package, in the same order on both sides
	gone  bool
}

// varGroup is one package's variables. A take-home's tests may link some
// of the candidate's packages and not others: each side knows the
// packages it has by their import paths ("" for a code step's one
// package), and a variable is named by its package and its place there.
type varGroup struct {
	pkg  string
	ptrs []reflect.Value
}

var side = &Side{
	in:  bufio.NewReaderSize(os.NewFile(3, "bridge-in"), 64<<10),
	out: os.NewFile(4, "bridge-out"),
}

// Vars lists the package's variables the tests may read, by pointer, in
// the same order on both sides.
func Vars(ptrs ...any) { PackageVars("", ptrs...) }

// PackageVars lists the variables of the package at import path pkg, by
// pointer, in the same order on both sides.
func PackageVars(pkg string, ptrs ...any) {
	g := side.group(pkg)
	if g == nil {
		side.vars = append(side.vars, varGroup{pkg: pkg})
		g = &side.vars[len(side.vars)-1]
	}
	for _, p := range ptrs {
		g.ptrs = append(g.ptrs, reflect.ValueOf(p))
	}
}

func (s *Side) group(pkg string) *varGroup {
	for i := range s.vars {
		if s.vars[i].pkg == pkg {
			return &s.vars[i]
		}
	}
	return nil
}

func (s *Side) export(f reflect.Value) int {
	s.funcs = append(s.funcs, f)
	return len(s.funcs) - 1
}

// sentinel says whether v is the current value of one of the packages'
// variables of interface type (an error variable, typically), and which:
// its package and its place there.
func (s *Side) sentinel(v reflect.Value) (string, int, bool) {
	if !v.IsValid() || !v.CanInterface() || !v.Type().Comparable() {
		return "", 0, false
	}
	for _, g := range s.vars {
		for i, p := range g.ptrs {
			x := p.Elem()
			if x.Kind() != reflect.Interface || x.IsNil() {
				continue
			}
			d := x.Elem()
			if d.Type() == v.Type() && d.Interface() == v.Interface() {
				return g.pkg, i, true
			}
		}
	}
	return "", 0, false
}

func (s *Side) sentinelValue(pkg string, i int) (reflect.Value, bool) {
	g := s.group(pkg)
	if g == nil || i < 0 || i >= len(g.ptrs) || g.ptrs[i].Elem().Kind() != reflect.Interface || g.ptrs[i].Elem().IsNil() {
		return reflect.Value{}, false
	}
	return g.ptrs[i].Elem().Elem(), true
}

// remoteFunc is a function of type t that calls the other side's
// function id.
func (s *Side) remoteFunc(t reflect.Type, id int) reflect.Value {
	return reflect.MakeFunc(t, func(args []reflect.Value) []reflect.Value {
		var m message
		m.byte1(frameCall)
		m.byte1(1)
		m.uvarint(uint64(id))
		m.byte1(0)
		m.uvarint(uint64(len(args)))
		e := &encoder{side: s}
		ptrs := make([]reflect.Value, len(args))
		for i, a := range args {
			// By pointer, so that a slice or map the call changes is
			// changed here too (a copy shares what they point to).
			ptrs[i] = reflect.New(a.Type())
			ptrs[i].Elem().Set(a)
			e.value(a)
			m.blob(e.take())
		}
		results := make([]reflect.Value, t.NumOut())
		for i := range results {
			results[i] = reflect.New(t.Out(i))
		}
		s.exchange(m.buf, e.order, results, ptrs)
		for i := range results {
			results[i] = results[i].Elem()
		}
		return results
	})
}

// message builds a frame's body.
type message struct{ buf []byte }

func (m *message) byte1(b byte)     { m.buf = append(m.buf, b) }
func (m *message) uvarint(n uint64) { m.buf = binary.AppendUvarint(m.buf, n) }
func (m *message) blob(b []byte) {
	m.uvarint(uint64(len(b)))
	m.buf = append(m.buf, b...)
}

func (s *Side) send(body []byte) {
	frame := binary.AppendUvarint(make([]byte, 0, len(body)+8), uint64(len(body)))
	frame = append(frame, body...)
	if _, err := s.out.Write(frame); err != nil {
		s.gone = true
		panic(Gone{})
	}
}

// recv returns the next frame's body, or nil at the end of the stream.
func (s *Side) recv() []byte {
	n, err := binary.ReadUvarint(s.in)
	if err == io.EOF {
		return nil
	}
	if err != nil {
		panic(Tamper{"a frame without a length"})
	}
	if n == 0 || n > maxLen {
		panic(Tamper{"a frame of a bad length"})
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(s.in, body); err != nil {
		panic(Tamper{"a frame cut off"})
	}
	return body
}

// exchange sends a call and waits for its answer, serving the other
// side's calls meanwhile. ptrs are the pointers the call's receiver and
// arguments hold, as the call numbered them; results point to where the
// results go, args to the arguments.
func (s *Side) exchange(call []byte, ptrs, results, args []reflect.Value) {
	s.lock.Lock()
	defer s.lock.Unlock()
	if s.gone {
		panic(Gone{})
	}
	s.send(call)
	for {
		body := s.recv()
		if body == nil {
			s.gone = true
			panic(Gone{})
		}
		switch body[0] {
		case frameCall:
			s.serve(body[1:])
		case frameReturn:
			s.returned(body[1:], ptrs, results, args)
			return
		case framePanic:
			d := &decoder{data: body[1:], side: s}
			p := &Panic{}
			func() {
				defer s.tamperOn()
				p.Message, p.Where = d.str(), d.str()
			}()
			panic(p)
		default:
			panic(Tamper{"an unknown frame"})
		}
	}
}

// tamperOn turns a decoding failure into a Tamper panic.
func (s *Side) tamperOn() {
	if r := recover(); r != nil {
		if m, ok := r.(malformed); ok {
			panic(Tamper{m.why})
		}
		panic(r)
	}
}

// returned reads an answer. It names the caller's own pointers by the
// numbers the call gave them, so a result that is one of them (a method
// that returns its receiver, a list's node) is that very pointer; when
// the call changed anything it was given, the answer brings the new state
// of every one of them, set in place. Slices and maps the call changed
// are updated element by element.
func (s *Side) returned(body []byte, ptrs, results, args []reflect.Value) {
	defer s.tamperOn()
	d := &decoder{data: body, side: s, ptrs: append([]reflect.Value(nil), ptrs...)}
	if d.bytesN(1)[0] == 1 {
		for _, p := range ptrs {
			fresh := reflect.New(p.Type().Elem())
			d.value(fresh.Elem())
			setValue(p.Elem(), fresh.Elem())
		}
	}
	if n := d.uvarint(); n != uint64(len(results)) {
		d.fail("the wrong number of results")
	}
	for _, r := range results {
		d.value(r.Elem())
	}
	n := d.uvarint()
	for i := uint64(0); i < n; i++ {
		k := d.uvarint()
		if k >= uint64(len(args)) {
			d.fail("a change to no argument")
		}
		fresh := reflect.New(args[k].Elem().Type())
		d.value(fresh.Elem())
		update(args[k].Elem(), fresh.Elem(), 0)
	}
	if len(d.data) != 0 {
		d.fail("trailing bytes")
	}
}

// serve answers a call of the other side's: a named function (on the
// solution's side only) or a function this side lent.
func (s *Side) serve(body []byte) {
	d := &decoder{data: body, side: s}
	var handler func(c *Call)
	c := &Call{side: s, dec: &decoder{side: s}}
	func() {
		defer s.tamperOn()
		switch d.bytesN(1)[0] {
		case 0:
			name := d.str()
			f, ok := s.named[name]
			if !ok {
				d.fail("a call of an unknown function")
			}
			handler = f
		case 1:
			id := d.uvarint()
			if id >= uint64(len(s.funcs)) {
				d.fail("a call of an unknown function")
			}
			fn := s.funcs[id]
			handler = func(c *Call) { c.callLent(fn) }
		default:
			d.fail("a bad target")
		}
		if d.bytesN(1)[0] == 1 {
			c.recv = d.bytesN(d.uvarint())
		}
		n := d.uvarint()
		if n > 1<<16 {
			d.fail("too many arguments")
		}
		for i := uint64(0); i < n; i++ {
			c.args = append(c.args, d.bytesN(d.uvarint()))
		}
	}()
	s.answer(c, handler)
}

// answer runs handler and sends its results, or its panic.
func (s *Side) answer(c *Call, handler func(c *Call)) {
	var reply []byte
	func() {
		defer func() {
			r := recover()
			if r == nil {
				return
			}
			switch r.(type) {
			case Gone, Tamper:
				panic(r)
			}
			var m message
			m.byte1(framePanic)
			m.blob([]byte(panicText(r)))
			m.blob([]byte(where()))
			reply = m.buf
		}()
		handler(c)
		reply = c.reply()
	}()
	s.lock.Lock()
	defer s.lock.Unlock()
	s.send(reply)
}

func panicText(r any) (s string) {
	defer func() {
		if recover() != nil {
			s = "a panic whose value could not be printed"
		}
	}()
	switch v := r.(type) {
	case error:
		return v.Error()
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(r)
}

// where lists the innermost frames of the solution's own code.
func where() string {
	var b strings.Builder
	k := 0
	for _, line := range strings.Split(string(debug.Stack()), "\n") {
		line = strings.TrimSpace(line)
		// Paths as -trimpath writes them: module path, directory, file.
		if !strings.HasPrefix(line, "solution/sol/") || strings.Contains(line, "zz_anyhour") {
			continue
		}
		file, _, _ := strings.Cut(strings.TrimPrefix(line, "solution/sol/"), " +")
		fmt.Fprintf(&b, "    at %s\n", file)
		if k++; k == 3 {
			break
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// Call is one call being served: what arrived, what goes back.
type Call struct {
	side    *Side
	recv    []byte
	args    [][]byte
	dec     *decoder      // one for the receiver and the arguments: they share their pointers
	recvPtr reflect.Value // where the receiver was decoded
	argPtrs []reflect.Value
	results []reflect.Value
}

func (c *Call) decode(b []byte, p any) {
	defer c.side.tamperOn()
	c.dec.whole(b, reflect.ValueOf(p).Elem())
}

// Recv decodes a value receiver into *p.
func (c *Call) Recv(p any) {
	c.decode(c.recv, p)
	c.recvPtr = reflect.ValueOf(p)
}

// PtrRecv decodes a pointer receiver into *p. What the method does to it
// goes back with the pointers' states.
func (c *Call) PtrRecv(p any) { c.Recv(p) }

// Args decodes the arguments into the pointers ps.
func (c *Call) Args(ps ...any) {
	if len(ps) != len(c.args) {
		panic(Tamper{"the wrong number of arguments"})
	}
	for i, p := range ps {
		c.decode(c.args[i], p)
		c.argPtrs = append(c.argPtrs, reflect.ValueOf(p))
	}
}

// Return keeps the results, by pointer.
func (c *Call) Return(ps ...any) {
	for _, p := range ps {
		c.results = append(c.results, reflect.ValueOf(p))
	}
}

// callLent calls a function this side lent, with the arguments decoded
// by its parameters' types.
func (c *Call) callLent(fn reflect.Value) {
	t := fn.Type()
	if len(c.args) != t.NumIn() {
		panic(Tamper{"the wrong number of arguments"})
	}
	in := make([]reflect.Value, t.NumIn())
	for i := range in {
		p := reflect.New(t.In(i))
		c.decode(c.args[i], p.Interface())
		c.argPtrs = append(c.argPtrs, p)
		in[i] = p.Elem()
	}
	var out []reflect.Value
	if t.IsVariadic() {
		out = fn.CallSlice(in)
	} else {
		out = fn.Call(in)
	}
	for _, o := range out {
		p := reflect.New(o.Type())
		p.Elem().Set(o)
		c.results = append(c.results, p)
	}
}

// reply encodes the answer (returned, on the other side, reads it): the
// states of the pointers the call was given if it changed anything, the
// results, and the slices and maps among the arguments that it changed.
// It numbers the pointers that came with the call as the call did.
func (c *Call) reply() []byte {
	again := &encoder{side: c.side}
	given := []byte{}
	if c.recvPtr.IsValid() {
		again.value(c.recvPtr.Elem())
		given = append(given, c.recv...)
	}
	for i, p := range c.argPtrs {
		again.value(p.Elem())
		given = append(given, c.args[i]...)
	}
	e := &encoder{side: c.side}
	e.seed(c.dec.ptrs)
	if bytes.Equal(again.buf, given) {
		e.byte1(0)
	} else {
		e.byte1(1)
		for _, p := range c.dec.ptrs {
			e.value(p.Elem())
		}
	}
	e.uvarint(uint64(len(c.results)))
	for _, r := range c.results {
		e.value(r.Elem())
	}
	var changed []int
	for i, p := range c.argPtrs {
		if k := p.Elem().Kind(); (k == reflect.Slice || k == reflect.Map) && !bytes.Equal(encode(c.side, p.Elem()), c.args[i]) {
			changed = append(changed, i)
		}
	}
	e.uvarint(uint64(len(changed)))
	for _, i := range changed {
		e.uvarint(uint64(i))
		e.value(c.argPtrs[i].Elem())
	}
	return append([]byte{frameReturn}, e.buf...)
}

// reentrant is a mutex its holder may take again: a function of the tests
// that the solution calls may call the solution in turn.
type reentrant struct {
	mu    sync.Mutex
	cond  *sync.Cond
	owner uint64
	depth int
}

func (r *reentrant) Lock() {
	id := goid()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cond == nil {
		r.cond = sync.NewCond(&r.mu)
	}
	for r.depth > 0 && r.owner != id {
		r.cond.Wait()
	}
	r.owner = id
	r.depth++
}

func (r *reentrant) Unlock() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.depth--; r.depth == 0 {
		r.owner = 0
		r.cond.Signal()
	}
}

// goid is the calling goroutine's id, from the first line of its stack.
func goid() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	var id uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + uint64(c-'0')
	}
	return id
}
