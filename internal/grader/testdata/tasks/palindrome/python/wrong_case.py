# expect: fail=test_case,test_punctuation
def is_palindrome(s):
    t = [c for c in s if c.isalnum()]
    return t == t[::-1]
