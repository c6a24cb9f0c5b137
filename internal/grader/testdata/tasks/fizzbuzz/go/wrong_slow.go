// expect: fail=TestMillion
package solution

import "strconv"

func FizzBuzz(n int) []string {
	var out []string
	for i := 1; i <= n; i++ {
		word := strconv.Itoa(i)
		switch {
		case i%15 == 0:
			word = "FizzBuzz"
		case i%3 == 0:
			word = "Fizz"
		case i%5 == 0:
			word = "Buzz"
		}
		out = append(append([]string{}, out...), word)
	}
	return out
}
