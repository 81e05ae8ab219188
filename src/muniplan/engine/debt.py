"""The law on debt: minimum instalments (minimumsavdrag) under both kommunelover.

These are public functions so that an auditor can check them against the law text; each
docstring cites the paragraph. They take floats or numpy arrays alike.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike


def minimum_instalment(debt: ArrayLike, depreciation: ArrayLike,
                       depreciable_assets: ArrayLike) -> np.ndarray | float:
    """Minimumsavdrag under kommuneloven 2018 § 14-18 første ledd ("forenklet formel").

    ``lånegjeld × avskrivninger / avskrivbare anleggsmidler``: the debt is repaid at the
    pace the assets wear out. Loans for videre utlån are not part of ``debt``. Land is
    neither in ``depreciation`` nor in ``depreciable_assets``. When there are no depreciable
    assets the formula cannot be used — KMD's letter of 31.1.2024 says the answer is then
    *not* zero — so this raises ``ValueError``.

    Molde kommune 2020 (1000 kr): 4 047 013 × 174 015 / 4 521 698 ≈ 155 747.

    >>> round(minimum_instalment(4_047_013, 174_015, 4_521_698))
    155747
    """
    d = np.asarray(debt, dtype=float)
    dep = np.asarray(depreciation, dtype=float)
    assets = np.asarray(depreciable_assets, dtype=float)
    if np.any(assets <= 0):
        raise ValueError(
            "minimum instalment (§ 14-18): no depreciable assets, so the formula cannot be used"
        )
    result = d * dep / assets
    return float(result) if result.ndim == 0 else result


def minimum_instalment_1992(debt: ArrayLike, weighted_remaining_life: ArrayLike
                            ) -> np.ndarray | float:
    """Minimumsavdrag under kommuneloven 1992 § 50 nr. 7 a ("regnearkmodellen").

    The total debt is repaid in equal yearly instalments over a term no longer than the
    weighted average remaining life of the fixed assets at the last year-end:
    ``lånegjeld / veid gjenværende levetid``.

    >>> round(minimum_instalment_1992(100_000_000, 41.5), 2)
    2409638.55
    """
    d = np.asarray(debt, dtype=float)
    life = np.asarray(weighted_remaining_life, dtype=float)
    if np.any(life <= 0):
        raise ValueError("minimum instalment (1992 § 50 nr. 7 a): remaining life must be > 0")
    result = d / life
    return float(result) if result.ndim == 0 else result


def weighted_lifetime(lifetimes: Sequence[float], book_values: Sequence[float]) -> float:
    """Veid levetid: the book-value-weighted mean (remaining) life of the assets.

    >>> weighted_lifetime([50, 40, 20, 10, 5], [50, 25, 9, 5, 1])
    41.5
    """
    lives = np.asarray(lifetimes, dtype=float)
    values = np.asarray(book_values, dtype=float)
    if lives.shape != values.shape or values.sum() <= 0:
        raise ValueError("weighted lifetime needs one positive book value per lifetime")
    return float((lives * values).sum() / values.sum())
