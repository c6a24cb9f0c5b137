package bridge

import (
	"fmt"
	"os"
	"reflect"
)

// Invoke calls the solution's function or method name, from the tests'
// side: recv is nil or points to the receiver, args and results point to
// the arguments and the results. Arguments the call changed (the elements
// of a slice, a map, what a pointer points to) are changed here too, and
// so is a pointer receiver.
func Invoke(name string, recv any, args []any, results []any) {
	var m message
	m.byte1(frameCall)
	m.byte1(0)
	m.blob([]byte(name))
	e := &encoder{side: side}
	if recv != nil {
		e.value(reflect.ValueOf(recv).Elem())
		m.byte1(1)
		m.blob(e.take())
	} else {
		m.byte1(0)
	}
	av := make([]reflect.Value, len(args))
	m.uvarint(uint64(len(args)))
	for i, a := range args {
		av[i] = reflect.ValueOf(a)
		e.value(av[i].Elem())
		m.blob(e.take())
	}
	resv := make([]reflect.Value, len(results))
	for i, r := range results {
		resv[i] = reflect.ValueOf(r)
	}
	side.exchange(m.buf, e.order, resv, av)
}

// Start waits for the solution's hello and fills the package's variables
// the tests may read. It reports false if the solution's program ended
// first.
func Start() (ok bool) {
	body := side.recv()
	if body == nil {
		side.gone = true
		return false
	}
	if body[0] != frameHello {
		panic(Tamper{"no hello"})
	}
	defer side.tamperOn()
	d := &decoder{data: body[1:], side: side}
	// The solution's program links every package of the candidate's;
	// the tests, those they use. Each of these is filled, once.
	filled := map[string]bool{}
	for n := d.length(d.uvarint()); n > 0; n-- {
		pkg := d.str()
		g := side.group(pkg)
		count := d.uvarint()
		if g != nil && (count != uint64(len(g.ptrs)) || filled[pkg]) {
			d.fail("the wrong variables of " + pkg)
		}
		for i := 0; uint64(i) < count; i++ {
			data := d.bytesN(d.uvarint())
			if g != nil {
				decode(side, data, g.ptrs[i].Elem())
			}
		}
		filled[pkg] = true
	}
	for _, g := range side.vars {
		if !filled[g.pkg] && len(g.ptrs) > 0 {
			d.fail("no variables of " + g.pkg)
		}
	}
	return true
}

// Add makes the functions and methods named callable by the tests; a
// take-home's packages each add theirs as they start.
func Add(named map[string]Func) {
	if side.named == nil {
		side.named = map[string]Func{}
	}
	for name, f := range named {
		side.named[name] = f
	}
}

// Serve says hello with the packages' variables, then answers the
// tests' calls to named and to what Add added until they hang up; it
// never returns.
func Serve(named map[string]Func) {
	Add(named)
	defer func() {
		if r := recover(); r != nil {
			switch r.(type) {
			case Gone:
				os.Exit(0)
			case Tamper:
				fmt.Fprintln(os.Stderr, "anyhour:", r)
				os.Exit(3)
			}
			panic(r)
		}
	}()
	var m message
	m.byte1(frameHello)
	m.uvarint(uint64(len(side.vars)))
	for _, g := range side.vars {
		m.blob([]byte(g.pkg))
		m.uvarint(uint64(len(g.ptrs)))
		for _, p := range g.ptrs {
			e := &encoder{side: &Side{}}
			e.value(p.Elem())
			m.blob(e.buf)
		}
	}
	side.send(m.buf)
	for {
		side.lock.Lock()
		body := side.recv()
		side.lock.Unlock()
		if body == nil {
			os.Exit(0)
		}
		if body[0] != frameCall {
			panic(Tamper{"a frame that is not a call"})
		}
		side.serve(body[1:])
	}
}
