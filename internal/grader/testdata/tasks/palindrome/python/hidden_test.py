from solution import is_palindrome


def test_long():
    assert is_palindrome("ab" * 50_000 + "a") is True


def test_punctuation():
    assert is_palindrome("A man, a plan, a canal: Panama") is True
    assert is_palindrome("race a car") is False


def test_empty():
    assert is_palindrome("") is True
    assert is_palindrome(".,!") is True
