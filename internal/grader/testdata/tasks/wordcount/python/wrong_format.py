# expect: fail=simple,case,blank lines,ties
import sys
from collections import Counter

counts = Counter(sys.stdin.read().lower().split())
for word, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
    print(f"{word}: {n}")
