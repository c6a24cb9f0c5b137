# expect: fail=simple,case,blank lines,ties
import sys
from collections import Counter

counts = Counter(sys.stdin.read().lower().split())
rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
for word, n in rows[:-1]:
    print(word, n)
