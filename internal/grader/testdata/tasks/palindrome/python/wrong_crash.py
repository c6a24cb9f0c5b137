# expect: fail=test_long,test_empty
def is_palindrome(s):
    return check("".join(c.lower() for c in s if c.isalnum()))


def check(t):
    if len(t) == 1:
        return True
    return t[0] == t[-1] and check(t[1:-1])
