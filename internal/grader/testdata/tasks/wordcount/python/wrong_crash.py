# expect: fail=empty
import sys
from collections import Counter

counts = Counter(sys.stdin.read().lower().split())
most = counts.most_common(1)[0][1]
for word, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
    print(word, str(n).rjust(len(str(most))))
