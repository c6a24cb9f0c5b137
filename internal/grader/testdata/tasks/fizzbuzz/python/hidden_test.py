from solution import fizzbuzz


def test_zero():
    assert fizzbuzz(0) == []


# points: 3
def test_hundred():
    out = fizzbuzz(100)
    assert out.count("FizzBuzz") == 6
    assert out[98] == "Fizz"
    assert out[99] == "Buzz"


def test_million():
    out = fizzbuzz(1_000_000)
    assert len(out) == 1_000_000
    assert out[-1] == "Buzz"
