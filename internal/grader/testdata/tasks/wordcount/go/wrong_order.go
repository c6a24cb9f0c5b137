// expect: fail=simple,ties
package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
)

func main() {
	counts := map[string]int{}
	var words []string
	sc := bufio.NewScanner(os.Stdin)
	sc.Split(bufio.ScanWords)
	for sc.Scan() {
		w := strings.ToLower(sc.Text())
		if counts[w] == 0 {
			words = append(words, w)
		}
		counts[w]++
	}
	sort.SliceStable(words, func(i, j int) bool { return counts[words[i]] > counts[words[j]] })
	for _, w := range words {
		fmt.Printf("%s %d\n", w, counts[w])
	}
}
