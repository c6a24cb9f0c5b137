# expect: fail=simple,ties
import sys
from collections import Counter

counts = Counter(sys.stdin.read().lower().split())
for word, n in sorted(counts.items(), key=lambda kv: -kv[1]):
    print(word, n)
