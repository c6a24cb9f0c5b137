from solution import two_sum


def test_same_value():
    assert two_sum([3, 3], 6) == [0, 1]


def test_last():
    assert two_sum([1, 5, 9, 13, 2], 11) == [2, 4]


def test_large():
    n = 200_000
    nums = list(range(1, n + 1))
    assert two_sum(nums, 2 * n - 1) == [n - 2, n - 1]
