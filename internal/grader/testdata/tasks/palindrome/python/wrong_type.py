# expect: fail=test_simple,test_case,test_long,test_punctuation,test_empty
def is_palindrome(s):
    t = [c.lower() for c in s if c.isalnum()]
    return "yes" if t == t[::-1] else "no"
