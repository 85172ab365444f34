"""Numbers in query strings: parsed, bounded, and refused with a 400 when they cannot be used.

Python reads integers of any size, but the database does not: an unchecked
``?page=9223372036854775808`` overflowed the query's OFFSET and answered 500. Every number a
client sends in a URL goes through here instead.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from service.errors import ApiError

MAX_PAGE = 1_000_000  # far beyond any history (a million pages), far below any overflow


def query_int(args: Mapping[str, str], name: str, default: int, minimum: int, maximum: int,
              code: str = "bad_parameter") -> int:
    """The integer ``args[name]`` (``default`` when absent or blank).

    Raises ``ApiError`` 400 ``code`` when it is not a whole number from ``minimum`` to
    ``maximum``.
    """
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if raw.isascii() else None
    except ValueError:
        value = None
    if value is None or not minimum <= value <= maximum:
        raise ApiError(400, code, f"Tham số {name} phải là số nguyên từ {minimum} đến {maximum}.")
    return value


def query_seconds(args: Mapping[str, str], name: str, maximum: float,
                  code: str = "bad_parameter") -> float:
    """A number of seconds ``args[name]`` (0 when absent), capped at ``maximum``.

    Raises ``ApiError`` 400 ``code`` for anything but a finite number ≥ 0.
    """
    raw = (args.get(name) or "").strip()
    if not raw:
        return 0.0
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise ApiError(400, code, f"Tham số {name} phải là số giây (0 đến {maximum:g}).")
    return min(value, maximum)
