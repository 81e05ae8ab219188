"""Inntektsutjevning: the part of the block grant that evens out tax per inhabitant.

The symmetric model in force from 2005 (domain.md §5.2, kommunal-rapport 2016): a
municipality whose tax per inhabitant ``s`` lies above the national average ``s̄`` pays in
``0.60 × (s − s̄)`` per inhabitant, one below receives as much, and one below
``0.90 × s̄`` receives ``0.35`` of that shortfall on top. The same year's deviation is
equalised, so only about 40 % of a shock to the municipality's own tax is left for it to
carry. Eiendomsskatt is not part of the base.

The national financing of the extra compensation (an equal deduction per inhabitant
everywhere) does not depend on the municipality's own tax and is left in the rest of the
block grant.
"""

from __future__ import annotations

import numpy as np


def equalisation_per_inhabitant(tax: np.ndarray, average: np.ndarray,
                                compensation: np.ndarray | float,
                                extra: np.ndarray | float,
                                threshold: np.ndarray | float) -> np.ndarray:
    """Inntektsutjevning per inhabitant (positive: received, negative: paid in).

    ``−c × (s − s̄) + e × max(0, θ × s̄ − s)``. A municipality at 150 % of an average of
    40 000 kr pays in 0.60 × 20 000 = 12 000 kr per inhabitant; one at 80 % receives
    0.60 × 8 000 + 0.35 × 4 000 = 6 200 kr.

    >>> float(equalisation_per_inhabitant(60_000, 40_000, 0.60, 0.35, 0.90))
    -12000.0
    >>> float(equalisation_per_inhabitant(32_000, 40_000, 0.60, 0.35, 0.90))
    6200.0
    """
    s = np.asarray(tax, dtype=float)
    avg = np.asarray(average, dtype=float)
    return -compensation * (s - avg) + extra * np.maximum(0.0, threshold * avg - s)


def equalised_block_grant(tax: np.ndarray, expected_tax: np.ndarray, tax_ratio: float,
                          params: np.ndarray, inhabitants: np.ndarray) -> np.ndarray:
    """The equalisation of each year ``(D, Y)``, in the kroner of ``tax``.

    ``tax``: the municipality's tax (all draws); ``expected_tax``: its tax on the plan's
    path with the national growth of tax per inhabitant, which sets the national average
    ``s̄ = expected tax per inhabitant / tax_ratio``; ``params``: ``(3, Y)`` compensation,
    extra compensation and threshold; ``inhabitants``: population relative to the base year.
    """
    per_inh = tax / inhabitants
    average = expected_tax / inhabitants / tax_ratio
    c, e, t = params
    return equalisation_per_inhabitant(per_inh, average, c, e, t) * inhabitants
