"""The law's formulas against published figures (domain.md §1.6 and §5.4)."""

from __future__ import annotations

import numpy as np
import pytest

from muniplan.engine.debt import minimum_instalment, minimum_instalment_1992, weighted_lifetime
from muniplan.engine.deflator import deflator, price_index, to_fixed, to_nominal

# --- 2018 law, § 14-18 første ledd ------------------------------------------------------------


def test_molde_2020_minimum_instalment():
    # Molde kommune, konsern, årsrapport 2020, note 7 (1000 kr)
    m = minimum_instalment(4_047_013, 174_015, 4_521_698)
    assert round(m) == 155_747
    assert m < 158_286  # what Molde actually paid: more than the floor


def test_minimum_instalment_is_debt_over_implied_repayment_time():
    # KMD's example: assets that wear out over 35 years repay the debt over 35 years
    assert minimum_instalment(35_000_000, 1_000_000, 35_000_000) == pytest.approx(1_000_000)
    assert minimum_instalment(0, 174_015, 4_521_698) == 0.0


def test_minimum_instalment_on_arrays():
    debt = np.array([4_047_013.0, 2 * 4_047_013.0])
    m = minimum_instalment(debt, 174_015, 4_521_698)
    assert isinstance(m, np.ndarray)
    assert m.round().tolist() == [155_747, 311_494]


@pytest.mark.parametrize("assets", [0, 0.0, -1.0])
def test_minimum_instalment_refuses_no_depreciable_assets(assets: float):
    # KMD 31.1.2024: with no depreciable assets the formula cannot be used, and the answer
    # is not 0
    with pytest.raises(ValueError, match="cannot be used"):
        minimum_instalment(1_000_000, 0, assets)


def test_minimum_instalment_refuses_a_zero_anywhere_in_an_array():
    with pytest.raises(ValueError):
        minimum_instalment(np.array([1.0, 2.0]), np.array([1.0, 1.0]), np.array([10.0, 0.0]))


# --- 1992 law, § 50 nr. 7 a ---------------------------------------------------------------------

LIVES = [50, 40, 20, 10, 5]
WEIGHTS = [50, 25, 9, 5, 1]


def test_weighted_lifetime_example():
    assert weighted_lifetime(LIVES, WEIGHTS) == pytest.approx(41.5)
    assert round(minimum_instalment_1992(100_000_000, 41.5), 2) == 2_409_638.55


def test_weighted_lifetime_with_land():
    life = weighted_lifetime([*LIVES, 50], [*WEIGHTS, 10])
    assert life == pytest.approx(42.35)
    assert round(minimum_instalment_1992(100_000_000, life), 2) == 2_361_275.09


def test_weighted_lifetime_ignores_the_scale_of_book_values():
    assert weighted_lifetime(LIVES, [w * 1_000_000 for w in WEIGHTS]) == pytest.approx(41.5)


def test_weighted_lifetime_refuses_bad_input():
    with pytest.raises(ValueError):
        weighted_lifetime([50, 40], [1])
    with pytest.raises(ValueError):
        weighted_lifetime([50], [0])


def test_fraena_2016():
    # Fræna kommune 2016: lånegjeld 603 870 (1000 kr), veid levetid 27.94 (rounded as
    # published, so ±5), reported minimumsavdrag 21 609
    assert minimum_instalment_1992(603_870, 27.94) == pytest.approx(21_609, abs=5)


def test_minimum_instalment_1992_refuses_no_remaining_life():
    with pytest.raises(ValueError):
        minimum_instalment_1992(1_000_000, 0)


# --- the kommunal deflator, §5.4 ----------------------------------------------------------------


def test_deflator_nasjonalbudsjettet_2022():
    d = deflator(0.032, 0.016, 0.59)
    assert d == pytest.approx(0.59 * 0.032 + 0.41 * 0.016)
    assert round(d, 4) == 0.0254  # 2.54 %
    assert round(d * 100, 1) == 2.5  # as published
    # two-thirds wages would give 2.67 %, which does not match the published figure
    assert deflator(0.032, 0.016, 2 / 3) == pytest.approx(0.02667, abs=1e-5)


def test_deflator_with_equal_growth_is_that_growth():
    # Elverum 2016: lønn = pris = 2.7 % gives a deflator of 2.7 %
    assert deflator(0.027, 0.027, 0.59) == pytest.approx(0.027)


def test_deflator_refuses_a_weight_outside_zero_and_one():
    with pytest.raises(ValueError):
        deflator(0.03, 0.02, 1.2)


def test_price_index_starts_at_one_and_compounds():
    idx = price_index(np.array([0.05, 0.02, 0.03]))
    assert idx.tolist() == pytest.approx([1.0, 1.02, 1.02 * 1.03])


def test_price_index_per_draw():
    idx = price_index(np.array([[0.0, 0.02, 0.02], [0.0, 0.04, 0.0]]))
    assert idx.shape == (2, 3)
    assert idx[:, -1] == pytest.approx([1.0404, 1.04])


def test_nominal_and_fixed_round_trip():
    rng = np.random.default_rng(7)
    fixed = rng.uniform(0, 1e10, size=20)
    idx = price_index(rng.uniform(-0.01, 0.06, size=20))
    nominal = to_nominal(fixed, idx)
    assert nominal[0] == fixed[0]
    assert nominal[-1] > fixed[-1] or idx[-1] <= 1
    np.testing.assert_allclose(to_fixed(nominal, idx), fixed, rtol=1e-14)
    assert to_nominal(1000.0, 1.0404).item() == pytest.approx(1040.4)
    assert to_fixed(1040.4, 1.0404).item() == pytest.approx(1000.0)
