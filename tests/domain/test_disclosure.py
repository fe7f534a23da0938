"""Small-number disclosure control (NHS Digital rule): what a commissioner can ever see."""
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.disclosure import (
    SUPPRESSED,
    DisclosedCount,
    protect_count,
    protect_mean,
    protect_mean_from_sum,
    protect_median,
    protect_percentage,
    protect_table,
    shares_add_up,
)

counts = st.integers(min_value=0, max_value=10**7)


def shown_ok(text: str) -> bool:
    """A shown count is "0", "*" or a positive multiple of 5 — never 1..7, never off a 5."""
    if text in ("0", SUPPRESSED):
        return True
    return text.isdigit() and int(text) % 5 == 0 and int(text) >= 10


@pytest.mark.parametrize(
    "raw, shown",
    [(0, "0"), (1, "*"), (3, "*"), (7, "*"), (8, "10"), (9, "10"), (10, "10"), (12, "10"),
     (13, "15"), (17, "15"), (18, "20"), (1234, "1235"), (1232, "1230"), (100000, "100000")],
)
def test_examples(raw, shown):
    assert str(protect_count(raw)) == shown


def test_value_is_none_when_suppressed():
    assert protect_count(5) == DisclosedCount(None)
    assert protect_count(5).suppressed
    assert protect_count(0).value == 0 and not protect_count(0).suppressed
    assert protect_count(13).value == 15


@pytest.mark.parametrize("bad", [-1, 2.0, "8", True])
def test_rejects_non_counts(bad):
    with pytest.raises((ValueError, TypeError)):
        protect_count(bad)


@given(counts)
def test_shown_count_is_never_small_or_off_five(n):
    assert shown_ok(str(protect_count(n)))


@given(counts)
def test_rounding_error_is_at_most_two(n):
    shown = protect_count(n)
    if 1 <= n <= 7:
        assert shown.value is None
    else:
        assert shown.value is not None and abs(shown.value - n) <= 2


@given(counts, counts)
def test_rounding_is_monotone(a, b):
    a, b = sorted((a, b))
    va, vb = protect_count(a).value, protect_count(b).value
    if va is not None and vb is not None:
        assert va <= vb


# --- percentages --------------------------------------------------------------------------------

def test_percentage_comes_from_rounded_counts():
    p = protect_percentage(12, 28)  # shown as 10 of 30
    assert (p.numerator.value, p.denominator.value) == (10, 30)
    assert p.value == pytest.approx(100 * 10 / 30)
    assert str(p) == "33%"
    assert protect_percentage(13, 38).value == pytest.approx(100 * 15 / 40)
    assert str(protect_percentage(13, 38)) == "38%"  # 37.5 rounds half up


@pytest.mark.parametrize("num, den", [(3, 50), (5, 7), (0, 5), (0, 0), (12, 13), (8, 10), (45, 50)])
def test_percentage_suppressed(num, den):
    p = protect_percentage(num, den)
    assert p.value is None and str(p) == "*" and p.interval() is None


def test_zero_numerator_is_zero_percent():
    assert str(protect_percentage(0, 40)) == "0%"


def test_percentage_rejects_numerator_over_denominator():
    with pytest.raises(ValueError):
        protect_percentage(11, 10)


def test_interval_uses_rounded_counts():
    # 18 of 18 rounds to 20 of 20.
    assert protect_percentage(18, 18).interval() == (pytest.approx(0.8389, abs=1e-4), 1.0)


def test_a_share_is_hidden_when_the_rest_of_its_whole_is_small():
    """Complementary cells: "100 % good" beside "* poor" told the reader the poor count
    was at most 4. With 3 poor of 11, the good share hides too."""
    assert str(protect_percentage(8, 11)) == "*"  # the rest, 3, is suppressed
    assert str(protect_percentage(11, 11)) == "100%"  # the rest is 0: everyone
    assert str(protect_percentage(40, 50)) == "80%"


def test_shares_add_up():
    assert shares_add_up([protect_percentage(30, 50), protect_percentage(20, 50)])
    assert not shares_add_up([protect_percentage(10, 30), protect_percentage(10, 30), protect_percentage(10, 30)])
    assert not shares_add_up([protect_percentage(3, 50), protect_percentage(47, 50)])


@given(counts, counts)
def test_percentage_only_from_rounded_counts(a, b):
    num, den = sorted((a, b))
    p = protect_percentage(num, den)
    shown_num, shown_den = protect_count(num).value, protect_count(den).value
    shown_rest = protect_count(den - num).value
    if shown_num is None or shown_den is None or shown_den == 0 or shown_rest is None:
        assert p.value is None
    else:
        assert p.value == pytest.approx(100 * shown_num / shown_den)
        assert 0 <= p.value <= 100
        # A shown 100 % means the whole group; never a small rest hidden behind rounding.
        assert p.value < 100 or num == den
    assert shown_ok(str(p.numerator)) and shown_ok(str(p.denominator))


# --- means and medians --------------------------------------------------------------------------

@given(st.lists(st.floats(min_value=-1e6, max_value=1e6), max_size=7))
def test_mean_suppressed_for_fewer_than_eight_values(values):
    assert protect_mean(values) is None
    assert protect_median(values) is None
    assert protect_mean_from_sum(sum(values), len(values)) is None


@given(st.lists(st.floats(min_value=-1e6, max_value=1e6), min_size=8, max_size=50))
def test_mean_shown_for_eight_or_more(values):
    mean = protect_mean(values)
    assert mean is not None and math.isclose(mean, sum(values) / len(values), rel_tol=1e-9, abs_tol=1e-6)
    assert protect_median(values) is not None


def test_mean_examples():
    assert protect_mean([]) is None
    assert protect_mean([1, 2, 3, 4, 5, 6, 7]) is None
    assert protect_mean([1, 2, 3, 4, 5, 6, 7, 8]) == 4.5
    assert protect_median([1, 2, 3, 4, 5, 6, 7, 100]) == 4.5
    assert protect_mean_from_sum(36, 8) == 4.5


# --- tables -------------------------------------------------------------------------------------

def test_table_totals_come_from_raw_numbers():
    table = protect_table(
        {"Level 1": {"client": 3, "carer": 3}, "Level 2": {"client": 12, "carer": 0}},
        columns=["client", "carer"],
    )
    level1, level2 = table.rows
    assert [str(c) for c in level1.cells] == ["*", "*"]
    assert str(level1.total) == "*"  # 6
    assert [str(c) for c in level2.cells] == ["10", "0"]
    assert str(level2.total) == "10"
    # Column totals 15 and 3, grand total 18: not the sums of the shown cells.
    assert [str(c) for c in table.total.cells] == ["15", "*"]
    assert str(table.total.total) == "20"
    assert table.total.label == "Total"


def test_table_keeps_fixed_breakdown():
    table = protect_table([("a", {}), ("b", {"x": 9})], columns=["x", "y"])
    assert [r.label for r in table.rows] == ["a", "b"]
    assert [str(c) for c in table.rows[0].cells] == ["0", "0"]
    with pytest.raises(ValueError):
        protect_table({"a": {"z": 1}}, columns=["x"])
    with pytest.raises(ValueError):
        protect_table([("a", {}), ("a", {})], columns=["x"])


@given(
    st.lists(st.lists(st.integers(min_value=0, max_value=200), min_size=3, max_size=3), max_size=8)
)
def test_every_table_cell_is_protected(raw_rows):
    columns = ["a", "b", "c"]
    rows = [(f"row {i}", dict(zip(columns, raw, strict=True))) for i, raw in enumerate(raw_rows)]
    table = protect_table(rows, columns)
    for row in (*table.rows, table.total):
        for cell in (*row.cells, row.total):
            assert shown_ok(str(cell))
    for row, raw in zip(table.rows, raw_rows, strict=True):
        assert row.total == protect_count(sum(raw))
    for i in range(3):
        assert table.total.cells[i] == protect_count(sum(r[i] for r in raw_rows))
    assert table.total.total == protect_count(sum(map(sum, raw_rows)))
