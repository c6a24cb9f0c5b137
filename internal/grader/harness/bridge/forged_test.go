package bridge

import (
	"reflect"
	"testing"
)

// TestForgedAnswersAreTampering: an answer from the solution's side that
// names a pointer the call never gave, or one of another type, or changes
// an argument that does not exist, is tampering (the run is marked and
// scores nothing), never a value the tests see.
func TestForgedAnswersAreTampering(t *testing.T) {
	n := 7
	given := []reflect.Value{reflect.ValueOf(&n)} // the call gave one *int
	for _, c := range []struct {
		name   string
		body   []byte
		result reflect.Type
	}{
		// no changes; one result; a pointer named 2+5: the sixth, never given
		{"a pointer never given", []byte{0, 1, 7, 0}, reflect.TypeFor[*int]()},
		// the first pointer given, as a result of another type
		{"a pointer of another type", []byte{0, 1, 2, 0}, reflect.TypeFor[*string]()},
		// one change, to argument 3 of none
		{"a change to no argument", []byte{0, 0, 1, 3, 0}, nil},
		{"trailing bytes", []byte{0, 0, 0, 9}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var results []reflect.Value
			if c.result != nil {
				results = append(results, reflect.New(c.result))
			}
			defer func() {
				if _, ok := recover().(Tamper); !ok {
					t.Error("the forged answer was taken")
				}
			}()
			(&Side{}).returned(c.body, given, results, nil)
		})
	}

	// The control: the pointer given, named as the result, is that pointer.
	got := reflect.New(reflect.TypeFor[*int]())
	(&Side{}).returned([]byte{0, 1, 2, 0}, given, []reflect.Value{got}, nil)
	if got.Elem().Interface().(*int) != &n {
		t.Error("the pointer given did not come back as itself")
	}
}
