"""Vietnamese formatting of numbers, money, dates and unit lists for report templates.

Each public function is a Jinja filter (see ``FILTERS``) implementing the conventions written
in docs/periods.md ("Numbers, money and dates in the text"): ``.`` groups thousands (also in
4-digit numbers), ``,`` separates decimals, rounding is half up.
Babel's ``vi`` data is used where it gives that answer; comments mark where it does not.
A missing figure (None) raises ValueError rather than printing blank: the template decides.
"""

import numbers
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext

from babel.lists import format_list
from babel.numbers import format_decimal

LOCALE = "vi"

# A private context so that a caller changing the global decimal context cannot change our
# output; 60 digits covers any amount a report can hold, at any requested precision.
_CONTEXT = Context(prec=60, rounding=ROUND_HALF_UP)

_APPROX_QUALIFIERS = ("trên", "gần", "khoảng")

# The display order is fixed by practice ("huyện, thành phố", "xã, phường"), not alphabetical.
_UNIT_NOUNS = {
    "huyen": "huyện", "quan": "quận", "thi_xa": "thị xã", "thanh_pho": "thành phố",
    "xa": "xã", "phuong": "phường", "thi_tran": "thị trấn", "dac_khu": "đặc khu",
}

# Money unit code → (size in đồng, printed suffix).
_MONEY_UNITS = {"ty": (Decimal(10) ** 9, "tỷ đồng"), "trieu": (Decimal(10) ** 6, "triệu đồng"),
                "dong": (Decimal(1), "đồng")}


def _to_decimal(value, what: str) -> Decimal:
    """Return ``value`` as a finite Decimal; raise ValueError for None, bool, text, NaN, ∞."""
    if value is None:
        raise ValueError(f"{what} is missing (None)")
    # bool is an int subclass: True would silently print as "1".
    if isinstance(value, bool) or not isinstance(value, (Decimal, numbers.Real)):
        raise ValueError(f"{what} must be a number, got {type(value).__name__}: {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, numbers.Integral):
        result = Decimal(int(value))
    else:
        # str() gives the shortest decimal that round-trips, so 75.85 rounds as the 75.85 the
        # user typed, not as its binary value 75.8499999…, and 0.1 + 0.2 prints as 0,3.
        result = Decimal(str(float(value)))
    if not result.is_finite():
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return result


def _whole(value, what: str) -> int:
    """Return ``value`` as a non-negative int; raise ValueError if negative or fractional."""
    number = _to_decimal(value, what)
    if number < 0:
        raise ValueError(f"{what} must not be negative, got {value!r}")
    if number != number.to_integral_value():
        raise ValueError(f"{what} must be a whole number, got {value!r}")
    return int(number)


def _check_digits(digits) -> int:
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 0:
        raise ValueError(f"digits must be a non-negative int, got {digits!r}")
    return digits


def _fixed(number: Decimal, digits: int) -> str:
    """Round half up to ``digits`` decimals, drop trailing zeros, format with vi separators."""
    # Babel rounds in the current decimal context, half to even by default ("0,25" → "0,2");
    # reports round half up ("0,3"). So round here, explicitly, and run Babel in our context
    # too, so the caller's context (restored on return) cannot change the output.
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    with localcontext(_CONTEXT):
        try:
            rounded = number.quantize(Decimal(1).scaleb(-digits))
            # "+ 0" turns -0 into 0: a figure rounded to zero never prints as "-0".
            return format_decimal(rounded + 0, format=pattern, locale=LOCALE)
        except InvalidOperation:
            raise ValueError(f"{number} has too many digits to format") from None


def num(value) -> str:
    """Format a number with ``.`` grouping: 1090 → "1.090", 0 → "0", -5000 → "-5.000".

    Whole floats/Decimals print as integers (5000.0 → "5.000"); other values go to
    ``decimal`` with one decimal. Raises ValueError for None, bool, text, NaN and infinity.
    """
    if type(value) is int:
        # Fast path for the common case (thousands of calls in a large appendix): grouping by
        # threes with "." is exactly what Babel's "vi" pattern "#,##0" gives for integers.
        return f"{value:,}".replace(",", ".")
    number = _to_decimal(value, "num value")
    if number == number.to_integral_value():
        return _fixed(number, 0)
    return decimal(number)


def decimal(value, digits=1) -> str:
    """Format with ``,`` decimals, rounded half up, trailing zeros dropped: 75.84 → "75,8".

    ``digits`` is the maximum number of decimals (0 rounds to an integer); 2.0 → "2".
    Raises ValueError for None, bool, text, NaN, infinity or a negative/non-int ``digits``.
    """
    return _fixed(_to_decimal(value, "decimal value"), _check_digits(digits))


def percent(value, digits=1) -> str:
    """Format a percentage number with ``%`` and no space: 52.5 → "52,5%", 100 → "100%".

    ``value`` is already in percent (0 → "0%"); rounding as ``decimal``. Raises as ``decimal``.
    """
    # Not Babel's format_percent: it multiplies by 100, and ``value`` is already a percentage.
    return decimal(value, digits) + "%"


def share(part, whole, digits=1) -> str:
    """Format ``part`` as a percentage of ``whole``: share(1, 3) → "33,3%".

    ``whole`` == 0 gives "0%" (nothing to share). Raises ValueError for None, bool,
    text or negative values.
    """
    part_d, whole_d = _to_decimal(part, "share part"), _to_decimal(whole, "share whole")
    if part_d < 0 or whole_d < 0:
        raise ValueError(f"share needs non-negative values, got part={part!r}, whole={whole!r}")
    if whole_d.is_zero():
        return percent(0, digits)
    return percent(_CONTEXT.divide(_CONTEXT.multiply(part_d, 100), whole_d), digits)


def money(dong, unit="auto") -> str:
    """Format an amount in đồng, never rounded without saying so.

    ``unit`` "auto" takes the largest of tỷ, triệu in which the amount is exact with at most
    2 decimals, else whole đồng: 361_000_000 → "361 triệu đồng", 1_200_000_000 → "1,2 tỷ
    đồng", 12_345_678 → "12.345.678 đồng", 850_000 → "850.000 đồng", 0 → "0 đồng".
    With "ty", "trieu" or "dong" the amount is printed in that unit, rounded half up to 2
    decimals and preceded by "khoảng" when rounding changed it (361_456_000, "trieu" →
    "khoảng 361,46 triệu đồng"). Never "VNĐ" or "₫".
    Raises ValueError for None, bool, text, a negative amount or an unknown ``unit``.
    """
    # Babel's vi currency format gives "361.000.000 ₫" and its compact format "361 Tr":
    # neither is the prose form the decree style uses, so the unit is chosen here.
    amount = _to_decimal(dong, "money amount")
    if amount < 0:
        raise ValueError(f"money amount must not be negative, got {dong!r}")
    if unit == "auto":
        unit = next((u for u in ("ty", "trieu") if amount >= _MONEY_UNITS[u][0]
                     and _exact(_CONTEXT.divide(amount, _MONEY_UNITS[u][0]))), "dong")
    if not isinstance(unit, str) or unit not in _MONEY_UNITS:
        raise ValueError(f"unknown money unit {unit!r}; expected 'auto', {', '.join(_MONEY_UNITS)}")
    size, suffix = _MONEY_UNITS[unit]
    value = _CONTEXT.divide(amount, size)
    return f"{'' if _exact(value) else 'khoảng '}{_fixed(value, 2)} {suffix}"


def _exact(value: Decimal) -> bool:
    """Whether ``value`` is written exactly with at most 2 decimals."""
    with localcontext(_CONTEXT):
        return value == value.quantize(Decimal("0.01"))


def figure(value) -> str:
    """A table cell's figure: ``num`` of the value, "-" when there is none (a unit that has
    not reported, an indicator without data): the template never prints a missing figure as 0.
    """
    if type(value) is int:  # ``num``'s own fast path, without the call: one per table cell
        return f"{value:,}".replace(",", ".")
    return "-" if value is None else num(value)


def _check_date(d) -> date:
    if not isinstance(d, date):
        raise ValueError(f"expected a datetime.date, got {type(d).__name__}: {d!r}")
    return d


def header_date(d) -> str:
    """Format the header date: date(2024, 2, 9) → "ngày 09 tháng 02 năm 2024".

    Day below 10 is zero-padded; month is zero-padded only for January and February.
    Raises ValueError if ``d`` is not a date (None included).
    """
    # Decree 30/2020/NĐ-CP, Appendix I (place and date) pads months 1 and 2 only; see
    # docs/format-rules.md. No CLDR pattern can say that:
    # Babel's vi "long" date is "4 tháng 12, 2023", and "MM" would pad every month.
    d = _check_date(d)
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def short_date(d) -> str:
    """Format a date in running text without padding: date(2023, 9, 5) → "5/9/2023".

    Raises ValueError if ``d`` is not a date (None included).
    """
    # Babel's vi "short" date format gives a 2-digit year ("5/9/23"), not used in reports.
    d = _check_date(d)
    return f"{d.day}/{d.month}/{d.year}"


def qty(n) -> str:
    """Format a quantity before a classifier noun: 1 → "01", 9 → "09", 0 → "0", 5000 → "5.000".

    Whole floats/Decimals are accepted. Raises ValueError for None, bool, text,
    negative or fractional values.
    """
    number = _whole(n, "qty")
    if 1 <= number <= 9:
        return f"0{number}"
    return num(number)


def approx(quantity, qualifier=None) -> str:
    """Prefix a count with "trên", "gần" or "khoảng": approx(5000, "trên") → "trên 5.000".

    ``qualifier`` None or blank means exact (approx(1) → "01"); it is matched ignoring case,
    spaces and Unicode normalisation. Raises ValueError for an unknown qualifier and as ``qty``.
    """
    text = qty(quantity)
    if qualifier is not None and not isinstance(qualifier, str):
        raise ValueError(f"approx qualifier must be text, got {qualifier!r}")
    key = " ".join(unicodedata.normalize("NFC", qualifier or "").split()).casefold()
    if not key:
        return text
    if key not in _APPROX_QUALIFIERS:
        raise ValueError(f"unknown approx qualifier {qualifier!r}; expected one of "
                         f"{', '.join(_APPROX_QUALIFIERS)}")
    return f"{key} {text}"


def unit_nouns(kinds) -> str:
    """Name the unit kinds present, in fixed order: {"thanh_pho", "huyen"} → "huyện, thành phố".

    ``kinds`` is an iterable of district/commune unit-kind codes; duplicates are ignored.
    Raises ValueError if it is empty, a bare string, or holds an unknown or provincial code.
    """
    if isinstance(kinds, str):
        raise ValueError(f"unit_nouns expects a collection of codes, got the string {kinds!r}")
    present = set(kinds)
    if not present:
        raise ValueError("unit_nouns needs at least one unit kind")
    # Provincial kinds ("tinh", "thanh_pho_tw") are refused too: a ratio counts sub-units.
    unknown = present.difference(_UNIT_NOUNS)
    if unknown:
        raise ValueError(f"not district or commune unit kinds: {sorted(map(repr, unknown))}; "
                         f"expected some of {', '.join(_UNIT_NOUNS)}")
    return ", ".join(noun for code, noun in _UNIT_NOUNS.items() if code in present)


def _field(value, name: str):
    found = name in value if isinstance(value, Mapping) else hasattr(value, name)
    if not found:
        raise ValueError(f"ratio value has no {name!r}")
    return value[name] if isinstance(value, Mapping) else getattr(value, name)


def ratio(value) -> str:
    """Format units done out of total with their nouns: "10/10 huyện, thành phố".

    ``value`` is a mapping or object with ``done``, ``total`` and ``nouns`` (from
    ``unit_nouns``); 0 done → "0/10 …". Raises ValueError for a missing field, negative or
    fractional counts, ``done`` > ``total`` or empty ``nouns``.
    """
    done, total = (_whole(_field(value, key), f"ratio {key}") for key in ("done", "total"))
    nouns = _field(value, "nouns")
    if done > total:
        raise ValueError(f"ratio done ({done}) exceeds total ({total})")
    if not isinstance(nouns, str) or not nouns.strip():
        raise ValueError(f"ratio nouns must be non-empty text, got {nouns!r}")
    return f"{num(done)}/{num(total)} {nouns.strip()}"


def by_sex(male, female, noun="người") -> str:
    """Format a total split by sex: by_sex(1090, 3410) → "4.500 người (1.090 nam, 3.410 nữ)".

    The total is computed; (0, 0) → "0 người" with no split. Numbers are formatted as
    ``qty`` (so 3 → "03"). Raises ValueError as ``qty`` or for an empty ``noun``.
    """
    men, women = _whole(male, "male count"), _whole(female, "female count")
    if not isinstance(noun, str) or not noun.strip():
        raise ValueError(f"by_sex noun must be non-empty text, got {noun!r}")
    total = f"{qty(men + women)} {noun.strip()}"
    if men + women == 0:
        return total
    return f"{total} ({qty(men)} nam, {qty(women)} nữ)"


def female_share(male, female, digits=1) -> str:
    """Format the female share of a total as ``percent``: (1090, 3410) → "75,8%".

    (0, 0) → "0%". Raises ValueError as ``qty`` for either figure.
    """
    men, women = _whole(male, "male count"), _whole(female, "female count")
    return share(women, men + women, digits)


def join_names(names) -> str:
    """Join names the Vietnamese way: [] → "", ["A", "B", "C"] → "A, B và C".

    Raises ValueError if ``names`` is a bare string or holds something that is not text.
    """
    if isinstance(names, str):
        raise ValueError(f"join_names expects a list of names, got the string {names!r}")
    items = list(names)
    bad = [item for item in items if not isinstance(item, str)]
    if bad:
        raise ValueError(f"join_names expects text items, got {bad!r}")
    # Babel's vi list pattern gives exactly "A, B và C" (no comma before "và").
    return format_list(items, locale=LOCALE)


FILTERS: dict[str, Callable] = {
    function.__name__: function
    for function in (num, decimal, percent, share, money, header_date, short_date, qty,
                     approx, unit_nouns, ratio, by_sex, female_share, join_names, figure)
}
