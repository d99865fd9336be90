import pytest

from gorust import stats


def test_equal_samples_have_no_measurable_cost():
    samples = [100.0, 101.0, 99.0, 100.5, 99.5, 100.2]
    ratio = stats.ratio_of_medians(samples, samples)
    assert ratio.value == pytest.approx(1.0)
    assert stats.relative_cost_verdict(ratio) == "no measurable cost"


def test_a_clear_difference_is_reported_with_its_size():
    slow = [400.0, 410.0, 395.0, 405.0, 402.0]
    fast = [100.0, 101.0, 99.0, 100.5, 99.5]
    ratio = stats.ratio_of_medians(slow, fast)
    assert ratio.low > 3.5
    assert stats.relative_cost_verdict(ratio) == "4.0× slower"
    assert stats.relative_cost_verdict(stats.ratio_of_medians(fast, slow)) == "4.0× faster"


def test_overlapping_noisy_samples_are_inconclusive():
    a = [100.0, 150.0, 90.0, 160.0, 95.0]
    b = [110.0, 100.0, 140.0, 95.0, 150.0]
    assert stats.relative_cost_verdict(stats.ratio_of_medians(a, b)) == "inconclusive here"


def test_the_interval_is_reproducible():
    a, b = [1.0, 2.0, 3.0, 4.0], [2.0, 3.0, 4.0, 5.0]
    assert stats.ratio_of_medians(a, b) == stats.ratio_of_medians(a, b)


def test_summarize_gives_median_and_spread():
    import pandas as pd

    frame = pd.DataFrame({"k": ["a"] * 5, "v": [1.0, 2.0, 3.0, 4.0, 100.0]})
    row = stats.summarize(frame, "v", ["k"]).iloc[0]
    assert (row["median"], row["min"], row["max"], row["n"]) == (3.0, 1.0, 100.0, 5)


def test_ratio_needs_samples():
    with pytest.raises(ValueError):
        stats.ratio_of_medians([], [1.0])


def test_below_five_samples_the_interval_is_the_range_the_samples_allow() -> None:
    ratio = stats.ratio_of_medians([10.0, 12.0, 11.0], [5.0, 4.0, 6.0])
    assert ratio.value == pytest.approx(11.0 / 5.0)
    assert (ratio.low, ratio.high) == pytest.approx((10.0 / 6.0, 12.0 / 4.0))
    assert ratio.interval == "min–max range, n = 3"
    big = stats.ratio_of_medians([10.0, 12.0, 11.0, 10.5, 11.5], [5.0, 4.0, 6.0, 5.5, 4.5])
    assert big.interval == "95% bootstrap interval" and big.n == 5
