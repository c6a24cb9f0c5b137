# expect: compile
import sys

for line in sys.stdin
    print(line)
