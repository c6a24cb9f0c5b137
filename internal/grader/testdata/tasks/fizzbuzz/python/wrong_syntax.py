# expect: compile
def fizzbuzz(n)
    return [str(i) for i in range(1, n + 1)]
