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
	if n := d.uvarint(); n != uint64(len(side.vars)) {
		d.fail("the wrong number of variables")
	}
	for _, p := range side.vars {
		decode(side, d.bytesN(d.uvarint()), p.Elem())
	}
	return true
}

// Serve says hello with the package's variables, then answers the
// tests' calls until they hang up; it never returns.
func Serve(named map[string]Func) {
	side.named = named
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
	for _, p := range side.vars {
		e := &encoder{side: &Side{}}
		e.value(p.Elem())
		m.blob(e.buf)
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
