from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from budgetgraph.ingest.amounts import parse_amount
from budgetgraph.ingest.performance import parse_target
from budgetgraph.records import Target

amounts = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False, allow_infinity=False)
FULL_WIDTH = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")


@given(amounts)
def test_plain_amounts_parse_exactly(value: Decimal) -> None:
    assert parse_amount(str(value)) == value
    assert parse_amount(str(value)).as_tuple().exponent == -2  # the published precision is kept


@given(amounts)
def test_thousands_separators_and_full_width_digits(value: Decimal) -> None:
    printed = f"{value:,.2f}"
    assert parse_amount(printed) == value
    assert parse_amount(printed.translate(FULL_WIDTH)) == value


@given(amounts.filter(lambda d: d > 0))
def test_accounting_parentheses_are_negative(value: Decimal) -> None:
    assert parse_amount(f"({value:,.2f})") == -value


@given(st.sampled_from(["", "-", "—", "--"]))
def test_blank_cells_are_not_zero(text: str) -> None:
    assert parse_amount(text) is None


def test_words_are_not_amounts() -> None:
    assert parse_amount("合计") is None
    assert parse_amount("2021年全年") is None
    assert parse_amount("1,23") is None  # a misplaced separator is not silently read as 123


def test_targets() -> None:
    assert parse_target("≥95%") == Target("≥95%", "≥", Decimal("95"), "%")
    assert parse_target("0.3万元") == Target("0.3万元", "=", Decimal("0.3"), "万元")
    assert parse_target("＜5天") == Target("＜5天", "<", Decimal("5"), "天")
    assert parse_target("按质按量") == Target("按质按量")


NEGATIVE_FORMS = ["-{}", "−{}", "－{}", "({})", "（{}）", "△{}"]


@given(amounts.filter(lambda d: d > 0), st.sampled_from(NEGATIVE_FORMS), st.booleans())
def test_every_printed_negative_form_reads_back(value: Decimal, form: str, separated: bool) -> None:
    """-1,234.56, −1,234.56, －1,234.56, (1,234.56), （1,234.56） and △1,234.56 are all -1234.56, precision kept."""
    printed = form.format(f"{value:,.2f}" if separated else f"{value:.2f}")
    assert parse_amount(printed) == -value
    assert parse_amount(printed).as_tuple().exponent == -2
