from solution import is_palindrome


def test_simple():
    assert is_palindrome("racecar") is True
    assert is_palindrome("hello") is False


def test_case():
    assert is_palindrome("RaceCar") is True
