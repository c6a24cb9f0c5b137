package main

import (
	mrand "math/rand/v2"
	"strings"
)

// The planted words: rareWord is in the texts of rareApps applications
// at every size; uncommonWord in about 1% of them.
const (
	rareWord     = "zephyrine"
	rareApps     = 25
	uncommonWord = "quixotic"
)

// texter writes text of words drawn from a vocabulary of 5,000 made-up
// words with Zipf-distributed frequencies, as natural language has: a
// few words in nearly every text, most in few.
type texter struct {
	rng   *mrand.Rand
	zipf  *mrand.Zipf
	vocab []string
}

var syllables = []string{"ka", "lo", "mi", "ne", "ru", "ta", "vo", "shi", "ber", "dan", "el", "fo", "gri", "hul", "is", "jor",
	"kel", "lan", "mor", "nin", "or", "pa", "qua", "ril", "sen", "tor", "ul", "ven", "wex", "yor"}

func newTexter(rng *mrand.Rand) *texter {
	t := &texter{rng: rng, zipf: mrand.NewZipf(rng, 1.1, 2, 4999)}
	seen := map[string]bool{}
	for len(t.vocab) < 5000 {
		var b strings.Builder
		for n := 1 + rng.IntN(3); n > 0; n-- {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		if w := b.String(); !seen[w] && w != rareWord && w != uncommonWord {
			seen[w] = true
			t.vocab = append(t.vocab, w)
		}
	}
	return t
}

// common is the vocabulary's most frequent word, in most texts.
func (t *texter) common() string { return t.vocab[0] }

func (t *texter) text(words int) string {
	var b strings.Builder
	for i := 0; i < words; i++ {
		if i > 0 {
			if t.rng.IntN(12) == 0 {
				b.WriteByte('.')
			}
			b.WriteByte(' ')
		}
		b.WriteString(t.vocab[t.zipf.Uint64()])
	}
	b.WriteByte('.')
	return b.String()
}

func (t *texter) code(lines int) string {
	var b strings.Builder
	b.WriteString("def solve(items):\n")
	for i := 0; i < lines; i++ {
		b.WriteString("    " + t.vocab[t.zipf.Uint64()] + " = " + t.vocab[t.zipf.Uint64()] + "(items)\n")
	}
	b.WriteString("    return items\n")
	return b.String()
}
