// Package bridge carries calls between the box that runs a Go task's
// tests (the judge) and the box that runs the candidate's package (the
// solution). It is never part of anyhour's own binaries: the grading
// package copies it into the sandbox as solution/anyhour/bridge, where the
// judge's test binary and the solution's server both import it.
//
// Both sides declare the same types (the judge gets copies of the
// candidate's type declarations, without a line of their methods' code),
// so values are encoded by their static type, field by field, unexported
// fields too: no method of the candidate's runs while a value is encoded
// on the solution's side or rebuilt on the judge's. Interface values carry
// their dynamic type's name, resolved against the types both sides
// register. Pointers are encoded once per message and referred to after,
// so shared and cyclic structures keep their shape. Functions cross as
// references to the side that has them: calling one sends the call back.
// Channels and unsafe pointers cannot cross.
package bridge

import (
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// Limits on what a message may hold.
const (
	maxDepth = 2000
	maxLen   = 1 << 26
)

// NotCrossable is the panic of a value that cannot cross between the
// tests and the solution.
type NotCrossable struct{ What string }

func (e NotCrossable) Error() string {
	return "cannot cross between the tests and the solution: " + e.What
}

// malformed is the panic of a decoder given bytes no encoder wrote.
type malformed struct{ why string }

func (m malformed) Error() string { return "malformed message: " + m.why }

// Error is an error of the other side whose type is not one both sides
// declare (errors.New's, fmt.Errorf's): its text and what it wraps.
type Error struct {
	Text    string
	Wrapped []error
}

func (e *Error) Error() string   { return e.Text }
func (e *Error) Unwrap() []error { return e.Wrapped }

var (
	typesMu sync.RWMutex
	types   = map[string]reflect.Type{}
)

func init() {
	for _, v := range []any{
		false, 0, int8(0), int16(0), int32(0), int64(0), uint(0), uint8(0), uint16(0), uint32(0), uint64(0),
		uintptr(0), float32(0), float64(0), complex64(0), complex128(0), "",
	} {
		t := reflect.TypeOf(v)
		types[t.String()] = t
	}
	types["interface {}"] = reflect.TypeFor[any]()
	types["error"] = reflect.TypeFor[error]()
}

// Register makes the types pointed to known by name, for values of
// interface type: Register((*Point)(nil)).
func Register(ptrs ...any) {
	typesMu.Lock()
	defer typesMu.Unlock()
	for _, p := range ptrs {
		t := reflect.TypeOf(p).Elem()
		types[t.String()] = t
	}
}

// typeByName resolves a type's name as reflect.Type.String writes it,
// for the registered types and the slices, arrays, maps and pointers of
// them.
func typeByName(name string, depth int) (reflect.Type, bool) {
	if depth > 50 {
		return nil, false
	}
	typesMu.RLock()
	t, ok := types[name]
	typesMu.RUnlock()
	if ok {
		return t, true
	}
	switch {
	case strings.HasPrefix(name, "[]"):
		if e, ok := typeByName(name[2:], depth+1); ok {
			return reflect.SliceOf(e), true
		}
	case strings.HasPrefix(name, "*"):
		if e, ok := typeByName(name[1:], depth+1); ok {
			return reflect.PointerTo(e), true
		}
	case strings.HasPrefix(name, "["):
		i := strings.IndexByte(name, ']')
		n, err := strconv.Atoi(name[1:max(i, 1)])
		if i > 0 && err == nil && n >= 0 && n < maxLen {
			if e, ok := typeByName(name[i+1:], depth+1); ok {
				return reflect.ArrayOf(n, e), true
			}
		}
	case strings.HasPrefix(name, "map["):
		// The key ends at the bracket that closes "map[".
		level := 0
		for i := 3; i < len(name); i++ {
			switch name[i] {
			case '[':
				level++
			case ']':
				level--
			}
			if level == 0 {
				k, ok1 := typeByName(name[4:i], depth+1)
				v, ok2 := typeByName(name[i+1:], depth+1)
				if ok1 && ok2 && k.Comparable() {
					return reflect.MapOf(k, v), true
				}
				return nil, false
			}
		}
	}
	return nil, false
}

var errorType = reflect.TypeFor[error]()

// encoder writes values of known static type. Pointers are numbered in
// the order they are first written (order holds them); one encoder may
// write several values that share them, and may start from the pointers
// of a message it answers (seed), so that the other side finds its own.
type encoder struct {
	buf   []byte
	ptrs  map[ptrKey]int
	order []reflect.Value
	depth int
	side  *Side
}

// seed numbers ptrs first, as the message they came in numbered them.
func (e *encoder) seed(ptrs []reflect.Value) {
	e.ptrs = map[ptrKey]int{}
	for i, p := range ptrs {
		e.ptrs[ptrKey{p.Pointer(), p.Type()}] = i
	}
	e.order = append([]reflect.Value(nil), ptrs...)
}

// take returns what was written since the last take, keeping the
// pointers' numbers.
func (e *encoder) take() []byte {
	b := e.buf
	e.buf = nil
	return b
}

type ptrKey struct {
	p uintptr
	t reflect.Type
}

func (e *encoder) uvarint(n uint64) { e.buf = binary.AppendUvarint(e.buf, n) }
func (e *encoder) varint(n int64)   { e.buf = binary.AppendVarint(e.buf, n) }
func (e *encoder) byte1(b byte)     { e.buf = append(e.buf, b) }

func (e *encoder) str(s string) {
	e.uvarint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

// encode appends v; v need not be addressable and may be an unexported
// field's value: only the getters reflect allows on those are used.
func encode(side *Side, v reflect.Value) []byte {
	e := &encoder{side: side}
	e.value(v)
	return e.buf
}

func (e *encoder) value(v reflect.Value) {
	e.depth++
	defer func() { e.depth-- }()
	if e.depth > maxDepth {
		panic(NotCrossable{fmt.Sprintf("a value nested more than %d levels deep", maxDepth)})
	}
	switch v.Kind() {
	case reflect.Bool:
		if v.Bool() {
			e.byte1(1)
		} else {
			e.byte1(0)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.varint(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		e.uvarint(v.Uint())
	case reflect.Float32, reflect.Float64:
		e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(v.Float()))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(real(c)))
		e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(imag(c)))
	case reflect.String:
		e.str(v.String())
	case reflect.Slice:
		if v.IsNil() {
			e.uvarint(0)
			return
		}
		e.uvarint(uint64(v.Len()) + 1)
		if v.Type().Elem().Kind() == reflect.Uint8 {
			for i := 0; i < v.Len(); i++ {
				e.buf = append(e.buf, byte(v.Index(i).Uint()))
			}
			return
		}
		for i := 0; i < v.Len(); i++ {
			e.value(v.Index(i))
		}
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			e.value(v.Index(i))
		}
	case reflect.Map:
		if v.IsNil() {
			e.uvarint(0)
			return
		}
		// Keys of basic kinds in order, so that the same map encodes
		// the same way each time (a changed argument is then told from
		// an unchanged one by its bytes).
		keys := v.MapKeys()
		sortKeys(keys)
		e.uvarint(uint64(len(keys)) + 1)
		for _, k := range keys {
			e.value(k)
			e.value(v.MapIndex(k))
		}
	case reflect.Pointer:
		if v.IsNil() {
			e.uvarint(0)
			return
		}
		key := ptrKey{v.Pointer(), v.Type()}
		if e.ptrs == nil {
			e.ptrs = map[ptrKey]int{}
		}
		if id, ok := e.ptrs[key]; ok {
			e.uvarint(uint64(id) + 2)
			return
		}
		e.ptrs[key] = len(e.ptrs)
		// The pointer itself, not the place it was read from (a field a
		// reply may change).
		e.order = append(e.order, reflect.NewAt(v.Type().Elem(), v.UnsafePointer()).Convert(v.Type()))
		e.uvarint(1)
		e.value(v.Elem())
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			e.value(v.Field(i))
		}
	case reflect.Interface:
		e.iface(v)
	case reflect.Func:
		if v.IsNil() {
			e.uvarint(0)
			return
		}
		e.uvarint(uint64(e.side.export(v)) + 1)
	default:
		panic(NotCrossable{"a " + v.Type().String()})
	}
}

// iface writes an interface value: 0 for nil, 1 and the dynamic type's
// name then the value, 2 for an error only its text (and its chain) can
// say, 3 and a package and an index for one of the packages' error
// variables.
func (e *encoder) iface(v reflect.Value) {
	if v.IsNil() {
		e.uvarint(0)
		return
	}
	d := v.Elem()
	if pkg, i, ok := e.side.sentinel(d); ok {
		e.uvarint(3)
		e.str(pkg)
		e.uvarint(uint64(i))
		return
	}
	name := d.Type().String()
	if t, ok := typeByName(name, 0); ok && t == d.Type() {
		e.uvarint(1)
		e.str(name)
		e.value(d)
		return
	}
	if d.Type().Implements(errorType) && d.CanInterface() {
		e.uvarint(2)
		e.errorChain(d.Interface().(error), 0)
		return
	}
	panic(NotCrossable{"a value of type " + name + " (only types the solution declares, and built-in ones, can cross inside an interface)"})
}

func (e *encoder) errorChain(err error, depth int) {
	if depth > 20 {
		e.str(err.Error())
		e.uvarint(0)
		return
	}
	e.str(safeError(err))
	var wrapped []error
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		if w := u.Unwrap(); w != nil {
			wrapped = []error{w}
		}
	case interface{ Unwrap() []error }:
		wrapped = u.Unwrap()
	}
	e.uvarint(uint64(len(wrapped)))
	for _, w := range wrapped {
		wv := reflect.ValueOf(w)
		if pkg, i, ok := e.side.sentinel(wv); ok {
			e.uvarint(1)
			e.str(pkg)
			e.uvarint(uint64(i))
			continue
		}
		// An error of a type both sides declare crosses as itself, so
		// that errors.As finds it.
		if wv.IsValid() {
			name := wv.Type().String()
			if t, ok := typeByName(name, 0); ok && t == wv.Type() {
				e.uvarint(2)
				e.str(name)
				e.value(wv)
				continue
			}
		}
		e.uvarint(0)
		e.errorChain(w, depth+1)
	}
}

func safeError(err error) (s string) {
	defer func() {
		if recover() != nil {
			s = "(an error whose Error method panicked)"
		}
	}()
	return err.Error()
}

// decoder reads values into addressable destinations.
type decoder struct {
	data  []byte
	ptrs  []reflect.Value
	depth int
	side  *Side
}

func (d *decoder) fail(why string) { panic(malformed{why}) }

func (d *decoder) uvarint() uint64 {
	n, k := binary.Uvarint(d.data)
	if k <= 0 {
		d.fail("a bad number")
	}
	d.data = d.data[k:]
	return n
}

func (d *decoder) varint() int64 {
	n, k := binary.Varint(d.data)
	if k <= 0 {
		d.fail("a bad number")
	}
	d.data = d.data[k:]
	return n
}

func (d *decoder) bytesN(n uint64) []byte {
	if n > uint64(len(d.data)) {
		d.fail("a length past the end")
	}
	b := d.data[:n]
	d.data = d.data[n:]
	return b
}

func (d *decoder) str() string { return string(d.bytesN(d.uvarint())) }

// length reads a slice or map length, which cannot be more than the
// bytes left (every element takes at least one) or maxLen.
func (d *decoder) length(n uint64) int {
	if n > maxLen || (n > uint64(len(d.data)) && n > 1<<16) {
		d.fail("a length too large")
	}
	return int(n)
}

// settable returns v, or for an unexported field a settable view of it.
func settable(v reflect.Value) reflect.Value {
	if v.CanSet() {
		return v
	}
	return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
}

func decode(side *Side, data []byte, dst reflect.Value) {
	d := &decoder{data: data, side: side}
	d.whole(data, dst)
}

// whole decodes all of data into dst, with the pointers met so far.
func (d *decoder) whole(data []byte, dst reflect.Value) {
	d.data = data
	d.value(dst)
	if len(d.data) != 0 {
		d.fail("trailing bytes")
	}
}

func (d *decoder) value(v reflect.Value) {
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > maxDepth {
		d.fail("nested too deeply")
	}
	v = settable(v)
	switch v.Kind() {
	case reflect.Bool:
		b := d.bytesN(1)[0]
		if b > 1 {
			d.fail("a bad bool")
		}
		v.SetBool(b == 1)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := d.varint()
		if v.OverflowInt(n) {
			d.fail("an int out of range")
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n := d.uvarint()
		if v.OverflowUint(n) {
			d.fail("a uint out of range")
		}
		v.SetUint(n)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(math.Float64frombits(binary.LittleEndian.Uint64(d.bytesN(8))))
	case reflect.Complex64, reflect.Complex128:
		re := math.Float64frombits(binary.LittleEndian.Uint64(d.bytesN(8)))
		im := math.Float64frombits(binary.LittleEndian.Uint64(d.bytesN(8)))
		v.SetComplex(complex(re, im))
	case reflect.String:
		v.SetString(d.str())
	case reflect.Slice:
		n := d.uvarint()
		if n == 0 {
			v.SetZero()
			return
		}
		l := d.length(n - 1)
		if v.Type().Elem().Kind() == reflect.Uint8 {
			b := d.bytesN(uint64(l))
			s := reflect.MakeSlice(v.Type(), l, l)
			for i, x := range b {
				s.Index(i).SetUint(uint64(x))
			}
			v.Set(s)
			return
		}
		s := reflect.MakeSlice(v.Type(), l, l)
		for i := 0; i < l; i++ {
			d.value(s.Index(i))
		}
		v.Set(s)
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			d.value(v.Index(i))
		}
	case reflect.Map:
		n := d.uvarint()
		if n == 0 {
			v.SetZero()
			return
		}
		l := d.length(n - 1)
		m := reflect.MakeMapWithSize(v.Type(), min(l, 1<<16))
		for i := 0; i < l; i++ {
			k := reflect.New(v.Type().Key()).Elem()
			d.value(k)
			x := reflect.New(v.Type().Elem()).Elem()
			d.value(x)
			m.SetMapIndex(k, x)
		}
		v.Set(m)
	case reflect.Pointer:
		n := d.uvarint()
		switch {
		case n == 0:
			v.SetZero()
		case n == 1:
			p := reflect.New(v.Type().Elem())
			d.ptrs = append(d.ptrs, p)
			d.value(p.Elem())
			v.Set(p)
		default:
			i := n - 2
			if i >= uint64(len(d.ptrs)) || d.ptrs[i].Type() != v.Type() {
				d.fail("a bad pointer")
			}
			v.Set(d.ptrs[i])
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			d.value(v.Field(i))
		}
	case reflect.Interface:
		d.iface(v)
	case reflect.Func:
		n := d.uvarint()
		if n == 0 {
			v.SetZero()
			return
		}
		v.Set(d.side.remoteFunc(v.Type(), int(n-1)))
	default:
		d.fail("a " + v.Type().String())
	}
}

func (d *decoder) iface(v reflect.Value) {
	switch d.uvarint() {
	case 0:
		v.SetZero()
	case 1:
		t, ok := typeByName(d.str(), 0)
		if !ok || !t.Implements(v.Type()) {
			d.fail("an unknown type in an interface")
		}
		x := reflect.New(t).Elem()
		d.value(x)
		v.Set(x)
	case 2:
		err := d.errorChain(0)
		if !errorType.Implements(v.Type()) {
			d.fail("an error where no error fits")
		}
		v.Set(reflect.ValueOf(err))
	case 3:
		pkg := d.str()
		x, ok := d.side.sentinelValue(pkg, int(min(d.uvarint(), maxLen)))
		if !ok || !x.Type().Implements(v.Type()) {
			d.fail("a bad variable")
		}
		v.Set(x)
	default:
		d.fail("a bad interface")
	}
}

func (d *decoder) errorChain(depth int) error {
	if depth > 20 {
		d.fail("errors wrapped too deeply")
	}
	e := &Error{Text: d.str()}
	n := d.uvarint()
	if n > 64 {
		d.fail("too many wrapped errors")
	}
	for i := uint64(0); i < n; i++ {
		switch d.uvarint() {
		case 1:
			pkg := d.str()
			x, ok := d.side.sentinelValue(pkg, int(min(d.uvarint(), maxLen)))
			if !ok {
				d.fail("a bad variable")
			}
			err, _ := x.Interface().(error)
			e.Wrapped = append(e.Wrapped, err)
		case 2:
			t, ok := typeByName(d.str(), 0)
			if !ok || !t.Implements(errorType) {
				d.fail("an unknown error type")
			}
			x := reflect.New(t).Elem()
			d.value(x)
			e.Wrapped = append(e.Wrapped, x.Interface().(error))
		default:
			e.Wrapped = append(e.Wrapped, d.errorChain(depth+1))
		}
	}
	return e
}

// update makes the slice or map at orig (addressable) equal to changed in
// place: a slice's elements are copied into its own backing array, a map
// is emptied and refilled, so that whoever shares them sees what the other
// side's code did to them. Pointers need no such care: the answer names
// the caller's own pointers (the states of a reply), so a pointer is set.
func update(orig, changed reflect.Value, depth int) {
	if depth > maxDepth {
		return
	}
	switch orig.Kind() {
	case reflect.Slice:
		if orig.IsNil() || changed.IsNil() {
			return
		}
		n := min(orig.Len(), changed.Len())
		for i := 0; i < n; i++ {
			assign(orig.Index(i), changed.Index(i), depth+1)
		}
	case reflect.Map:
		if orig.IsNil() || changed.IsNil() {
			return
		}
		o := settable(orig)
		for _, k := range o.MapKeys() {
			o.SetMapIndex(k, reflect.Value{})
		}
		it := changed.MapRange()
		for it.Next() {
			o.SetMapIndex(it.Key(), it.Value())
		}
	case reflect.Struct:
		for i := 0; i < orig.NumField(); i++ {
			update(orig.Field(i), changed.Field(i), depth+1)
		}
	case reflect.Array:
		for i := 0; i < orig.Len(); i++ {
			update(orig.Index(i), changed.Index(i), depth+1)
		}
	}
}

// assign sets orig to changed, updating in place the slices and maps both
// share.
func assign(orig, changed reflect.Value, depth int) {
	if depth > maxDepth {
		return
	}
	switch orig.Kind() {
	case reflect.Slice, reflect.Map:
		if !orig.IsNil() && !changed.IsNil() && (orig.Kind() != reflect.Slice || orig.Len() == changed.Len()) {
			update(orig, changed, depth)
			return
		}
	case reflect.Array:
		for i := 0; i < orig.Len(); i++ {
			assign(orig.Index(i), changed.Index(i), depth+1)
		}
		return
	case reflect.Struct:
		for i := 0; i < orig.NumField(); i++ {
			assign(orig.Field(i), changed.Field(i), depth+1)
		}
		return
	}
	setValue(orig, changed)
}

// setValue sets orig to v, unexported fields and all.
func setValue(orig, v reflect.Value) {
	if !v.CanInterface() {
		v = settable(v)
	}
	settable(orig).Set(v)
}

// sortKeys orders map keys of basic kinds by value.
func sortKeys(keys []reflect.Value) {
	if len(keys) < 2 {
		return
	}
	var less func(a, b reflect.Value) bool
	switch keys[0].Kind() {
	case reflect.String:
		less = func(a, b reflect.Value) bool { return a.String() < b.String() }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		less = func(a, b reflect.Value) bool { return a.Int() < b.Int() }
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		less = func(a, b reflect.Value) bool { return a.Uint() < b.Uint() }
	case reflect.Float32, reflect.Float64:
		less = func(a, b reflect.Value) bool { return a.Float() < b.Float() }
	case reflect.Bool:
		less = func(a, b reflect.Value) bool { return !a.Bool() && b.Bool() }
	default:
		return
	}
	sort.Slice(keys, func(i, j int) bool { return less(keys[i], keys[j]) })
}
