"""Money at the boundary: exact conversion from a file's scale to whole kroner.

Norwegian budget documents write amounts "i 1000 kr"; a plan file declares its scale once
(``amount_scale: 1000``) and every amount it holds is converted here, exactly, with
``Decimal``. A figure that does not come to whole kroner (``12.3456`` in 1000 kr) is an input
error, not something to round away silently. Inside the engine money is float64 kroner;
rounding happens only when a figure is shown (:func:`round_kroner`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from muniplan.plan.errors import MoneyError

__all__ = ["ALLOWED_SCALES", "MAX_KRONER", "MoneyError", "round_kroner", "to_kroner"]

ALLOWED_SCALES = (1, 1000, 1_000_000)
MAX_KRONER = 10**15
"""No municipal figure comes near a quadrillion kroner; a larger one is a typing error (and
would not convert to float64 exactly)."""




def to_kroner(value: object, scale: int) -> int:
    """Convert ``value`` given in units of ``scale`` kroner to whole kroner, exactly.

    >>> to_kroner("9 400 000", 1000)
    9400000000
    >>> to_kroner(12.5, 1000)
    12500
    >>> to_kroner("1,5", 1_000_000)
    1500000
    """
    if scale not in ALLOWED_SCALES:
        raise MoneyError(f"amount scale must be one of {ALLOWED_SCALES}, found {scale}")
    if isinstance(value, bool):
        raise MoneyError(f"expected an amount, found {value!r}")
    if isinstance(value, int):
        return _bounded(value * scale, value)
    if isinstance(value, float):
        text = repr(value)
    elif isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "").replace("_", "")
        text = text.replace(",", ".")
    else:
        raise MoneyError(f"expected an amount, found {value!r}")
    try:
        amount = Decimal(text) * scale
    except InvalidOperation as exc:
        raise MoneyError(f"expected an amount, found {value!r}") from exc
    if not amount.is_finite():
        raise MoneyError(f"expected a finite amount, found {value!r}")
    if amount != amount.to_integral_value():
        raise MoneyError(
            f"{value!r} × {scale} is {amount} kr, not whole kroner"
        )
    return _bounded(int(amount), value)


def _bounded(kroner: int, value: object) -> int:
    if abs(kroner) > MAX_KRONER:
        raise MoneyError(f"{value!r} is a {len(str(abs(kroner)))}-digit amount of kroner, "
                         f"more than {MAX_KRONER:.0e} kr")
    return kroner


def round_kroner(value: float, unit: int = 1) -> int:
    """Round a float kroner amount to whole ``unit`` (1, 1000, ...), half away from zero.

    The one rounding rule of every table and page: Norwegian budgets round half away from
    zero and note "avrundingsdifferanser" in totals.

    >>> round_kroner(1500, 1000)
    2
    >>> round_kroner(-2500.0, 1000)
    -3
    """
    q = Decimal(repr(float(value))) / Decimal(unit)
    return int(q.quantize(Decimal(1), rounding=ROUND_HALF_UP))
