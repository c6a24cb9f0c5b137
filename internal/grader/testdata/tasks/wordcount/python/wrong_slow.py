# expect: fail=blank lines
import sys

counts = {}
lines = sys.stdin.read().splitlines()
i = 0
while i < len(lines):
    if lines[i] == "":
        continue
    for w in lines[i].lower().split():
        counts[w] = counts.get(w, 0) + 1
    i += 1
for word, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
    print(word, n)
