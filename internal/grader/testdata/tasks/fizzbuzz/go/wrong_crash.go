// expect: fail=TestFirstFive,TestFifteen,TestLength,TestHundred,TestMillion
package solution

import "strconv"

func FizzBuzz(n int) []string {
	out := make([]string, n)
	for i := 1; i <= n; i++ {
		switch {
		case i%15 == 0:
			out[i] = "FizzBuzz"
		case i%3 == 0:
			out[i] = "Fizz"
		case i%5 == 0:
			out[i] = "Buzz"
		default:
			out[i] = strconv.Itoa(i)
		}
	}
	return out
}
