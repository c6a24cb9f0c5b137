# expect: fail=test_first_five,test_fifteen,test_length,test_hundred,test_million
def fizzbuzz(n):
    out = [None] * n
    for i in range(1, n + 1):
        if i % 15 == 0:
            out[i] = "FizzBuzz"
        elif i % 3 == 0:
            out[i] = "Fizz"
        elif i % 5 == 0:
            out[i] = "Buzz"
        else:
            out[i] = str(i)
    return out
