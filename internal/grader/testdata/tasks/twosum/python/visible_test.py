from solution import two_sum


def test_basic():
    assert two_sum([2, 7, 11, 15], 9) == [0, 1]


def test_negative():
    assert two_sum([-3, 4, 3, 90], 0) == [0, 2]
