// expect: fail=blank lines
package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
)

func main() {
	var lines []string
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	counts := map[string]int{}
	for i := 0; i < len(lines); {
		if lines[i] == "" {
			continue
		}
		for _, w := range strings.Fields(lines[i]) {
			counts[strings.ToLower(w)]++
		}
		i++
	}
	var words []string
	for w := range counts {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		if counts[words[i]] != counts[words[j]] {
			return counts[words[i]] > counts[words[j]]
		}
		return words[i] < words[j]
	})
	for _, w := range words {
		fmt.Printf("%s %d\n", w, counts[w])
	}
}
