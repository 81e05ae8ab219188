"""The plan as arrays: what the finance model needs, year by year, in one place.

Turning the plan's objects into arrays once keeps the yearly loop small and lets scenarios
and Monte Carlo act on plain arrays (an override is a change to one of these). Axes:
``(draw, year)`` for anything that may vary by draw, ``(project, year)`` for investments.
Money is float64 kroner; ``*_fixed`` arrays are in fixed base-year kroner, the rest nominal.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from muniplan.engine.deflator import deflator, price_index
from muniplan.plan.model import Plan

INCOME_KINDS = ("tax", "block_grant", "property_tax", "fees", "other")
GROWTH_OF = {
    "tax": "tax_growth",
    "block_grant": "block_grant_growth",
    "property_tax": "other_income_growth",
    "fees": "fee_growth",
    "other": "other_income_growth",
}


@dataclass(frozen=True)
class FinanceInputs:
    """Everything the yearly finance loop reads. Arrays with a draw axis broadcast."""

    years: np.ndarray  # (Y,)
    plan_years: np.ndarray  # bool (Y,), inside the økonomiplan period
    period_end: np.ndarray  # bool (Y,), last year of a four-year period
    law_regime: str
    wage_growth: np.ndarray  # (D|1, Y)
    price_growth: np.ndarray  # (D|1, Y)
    wage_weight: np.ndarray  # (Y,)
    interest_rate: np.ndarray  # (D|1, Y)
    income_base: dict[str, float]  # fixed kroner in the base year
    income_per_inhabitant: dict[str, bool]
    income_real_growth: dict[str, np.ndarray]  # (D|1, Y)
    income_shock: np.ndarray  # (D|1, Y) multiplicative factor on all income (stress tests)
    cost_growth: np.ndarray  # (D|1, Y) underlying real growth of operating expenses
    financial_income: np.ndarray  # (Y,) nominal
    sector_ids: tuple[str, ...]
    sector_frames_fixed: np.ndarray  # (S, Y)
    operating_consequences_fixed: np.ndarray  # (Y,)
    measures_fixed: np.ndarray  # (Y,) measures not inside the frames
    expense_adjustment_fixed: np.ndarray  # (Y,) scenario changes to expenses
    investment_ids: tuple[str, ...]
    investment_cost_fixed: np.ndarray  # (P, Y)
    vat_share: np.ndarray  # (P,)
    grant_share: np.ndarray
    sale_share: np.ndarray
    loan_share: np.ndarray  # (P,), NaN where the plan's rule decides
    rentable: np.ndarray  # bool (P,)
    useful_life: np.ndarray  # (P,)
    completion_index: np.ndarray  # (P,) index into years (may exceed Y-1)
    self_financing_share: float
    extra_instalments: float
    opening_debt: float
    opening_assets: float
    opening_depreciation: float
    opening_useful_life: float  # book-value-weighted useful life (§ 50 nr. 7 a)
    fund_ids: tuple[str, ...]
    fund_roles: tuple[str, ...]
    fund_opening: np.ndarray  # (F,)
    reserve_fund_index: int
    long_term_rows: tuple[bool, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    # Program areas, so a lever can change one area's frame: (A,) ids, the index of each
    # area's sector, and (A, Y) frames carried forward like the sectors'.
    area_ids: tuple[str, ...] = ()
    area_sector: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    area_frames_fixed: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    # (P,) each project's yearly operating consequence from the year after completion, so
    # a moved or removed project takes it along (the total is operating_consequences_fixed)
    investment_opcons_fixed: np.ndarray = field(default_factory=lambda: np.zeros(0))
    # (P,) how the project's capital cost is recovered: 0 not, 1 selvkost fees, 2 rent
    cost_recovery: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    # (D|1, Y) gjennomføringsgrad: share of the year's budget plus last year's carry spent
    execution_rate: np.ndarray | None = None
    transfer_limit: str = "none"
    # forvaltningsfond: index of the managed fund (-1: none), expected real return (Y,),
    # the fund taking the difference, and the drawn deviation of the realised return
    managed_fund_index: int = -1
    return_buffer_index: int = -1
    expected_real_return: np.ndarray = field(default_factory=lambda: np.zeros(0))
    return_deviation: np.ndarray = field(default_factory=lambda: np.zeros((1, 0)))
    # inntektsutjevning (§5.2): tax ratio to the national average in the base year (0: not
    # modelled), its parameters (Y,), and the national real growth of tax per inhabitant
    tax_ratio: float = 0.0
    equalisation: np.ndarray = field(default_factory=lambda: np.zeros((3, 0)))
    national_tax_growth: np.ndarray = field(default_factory=lambda: np.zeros((1, 0)))
    # netto frames hold their areas' own fees and refunds: the share of the income kinds
    # ``fees`` and ``other`` that netto areas hold, added back to get gross expenses
    netted_share: dict[str, float] = field(default_factory=dict)
    # (P,) where each project's operating consequences and recovered capital cost belong:
    # k >= 0 the program area area_ids[k], -2 - s the sector s (split over its areas),
    # -1 nowhere the plan says (rows a scenario adds have none)
    project_place: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    # eiendomsskatt (engine/property_tax.py): whether the plan gives the tax bases, the
    # bases (2,) fixed kroner, the plan's rates (2,), the rates in force (2, Y) and the
    # first year it was written out (0: never); fees: a factor on the fee income (Y,)
    property_tax_known: bool = False
    property_tax_base: np.ndarray = field(default_factory=lambda: np.zeros(2))
    property_tax_plan_rates: np.ndarray = field(default_factory=lambda: np.zeros(2))
    property_tax_rates: np.ndarray = field(default_factory=lambda: np.zeros((2, 0)))
    property_tax_levied_since: int = 0
    fee_factor: np.ndarray = field(default_factory=lambda: np.ones(0))

    def with_changes(self, **changes: object) -> FinanceInputs:
        return replace(self, **changes)

    @property
    def price_index(self) -> np.ndarray:
        """(D|1, Y) cumulative price index, 1.0 in the first projected year."""
        d = deflator(self.wage_growth, self.price_growth, self.wage_weight[None, :])
        return price_index(np.asarray(d))


def _series(series, years: np.ndarray) -> np.ndarray:
    return np.array([series.at(int(y)) for y in years], dtype=float)


def _projects(plan: Plan, last: int) -> list[dict[str, object]]:
    """The plan's projects, then the long-term investment level as one project per year
    (split into a non-rentable and a rentable part), so both are financed and depreciated
    by the same code."""
    out: list[dict[str, object]] = [
        {"id": i.id, "cost": i.cost, "completion_year": i.completion_year,
         "operating_consequences": i.operating_consequences,
         "vat_compensation": i.vat_compensation, "grants": i.grants, "sales": i.sales,
         "loan": i.loan, "rentable": i.rentable, "useful_life": i.useful_life,
         "long_term": False, "cost_recovery": i.cost_recovery,
         "place": i.program_area or ("sector", i.sector)}
        for i in plan.investments
    ]
    for lt in plan.long_term_investments:
        for y in range(lt.first, min(lt.last, last) + 1):
            for rentable, share in ((False, 1.0 - lt.rentable_share), (True, lt.rentable_share)):
                if share <= 0:
                    continue
                out.append({
                    "id": f"{lt.id}-{y}" + ("-rentable" if rentable else ""),
                    "cost": {y: lt.amount * share}, "completion_year": y,
                    "operating_consequences": 0,
                    "vat_compensation": 0.0 if rentable else lt.vat_compensation,
                    "grants": lt.grants, "sales": 0.0, "loan": None, "rentable": rentable,
                    "useful_life": lt.useful_life, "long_term": True,
                    "cost_recovery": lt.rentable_cost_recovery if rentable else "none",
                    "place": lt.program_area if rentable else None,
                })
    return out


def _period_ends(plan: Plan, years: np.ndarray) -> np.ndarray:
    length = plan.period.last - plan.period.first + 1
    return np.array([(int(y) - plan.period.last) % length == 0 and y >= plan.period.last
                     for y in years])


def finance_inputs(plan: Plan, to_year: int | None = None) -> FinanceInputs:
    """Arrays for the years ``period.first .. to_year`` (default: the plan's horizon)."""
    last = to_year or plan.horizon
    years = np.arange(plan.period.first, last + 1)
    y_count = len(years)
    a = plan.assumptions

    frames = np.zeros((len(plan.sectors), y_count))
    for s, sector in enumerate(plan.sectors):
        frame = sector.operating_frame()
        last_frame_year = max(frame)
        for i, y in enumerate(years):
            frames[s, i] = frame[min(int(y), last_frame_year)]

    areas = [(s, a) for s, sector in enumerate(plan.sectors) for a in sector.program_areas]
    area_frames = np.zeros((len(areas), y_count))
    for k, (_, area) in enumerate(areas):
        last_area_year = max(area.operating_frame)
        for i, y in enumerate(years):
            area_frames[k, i] = area.operating_frame.get(min(int(y), last_area_year), 0)

    opcons = np.zeros(y_count)
    projects = _projects(plan, last)
    costs = np.zeros((len(projects), y_count))
    completion = np.zeros(len(projects), dtype=int)
    for p, inv in enumerate(projects):
        for y, amount in inv["cost"].items():
            if y <= last:
                costs[p, y - plan.period.first] = amount
        completion[p] = inv["completion_year"] - plan.period.first
        opcons[years > inv["completion_year"]] += inv["operating_consequences"]

    measures = np.zeros(y_count)
    for area in plan.priority_areas:
        for m in area.measures:
            if m.in_frames or m.kind != "operating":
                continue
            for y, amount in m.cost.items():
                if y <= last:
                    measures[y - plan.period.first] += amount

    cost_growth = np.zeros(y_count)
    if a.cost_growth is not None:
        cost_growth = _series(a.cost_growth, years)
    fin = np.zeros(y_count)
    if a.financial_income is not None:
        fin = _series(a.financial_income, years)

    funds = plan.opening.funds
    reserve_index = next(i for i, f in enumerate(funds) if f.id == plan.finance.reserve_fund)
    extra = plan.finance.extra_instalments.value if plan.finance.extra_instalments else 0.0

    income_base = {k: 0.0 for k in INCOME_KINDS}
    per_inh = {k: True for k in INCOME_KINDS}
    for item in plan.income:
        income_base[item.id] += item.amount
        per_inh[item.id] = item.per_inhabitant
    growth = {k: _series(getattr(a, GROWTH_OF[k]), years)[None, :] for k in INCOME_KINDS}

    extra_fields = _policy_arrays(plan, years)
    extra_fields["netted_share"] = _netted_share(plan, income_base)
    return FinanceInputs(
        **extra_fields,
        years=years,
        plan_years=(years >= plan.period.first) & (years <= plan.period.last),
        period_end=_period_ends(plan, years),
        law_regime=plan.law_regime,
        wage_growth=_series(a.wage_growth, years)[None, :],
        price_growth=_series(a.price_growth, years)[None, :],
        wage_weight=_series(a.deflator_wage_weight, years),
        interest_rate=_series(a.interest_rate, years)[None, :],
        income_base=income_base,
        income_per_inhabitant=per_inh,
        income_real_growth=growth,
        income_shock=np.ones((1, y_count)),
        financial_income=fin,
        sector_ids=tuple(s.id for s in plan.sectors),
        sector_frames_fixed=frames,
        operating_consequences_fixed=opcons,
        measures_fixed=measures,
        expense_adjustment_fixed=np.zeros(y_count),
        investment_ids=tuple(i["id"] for i in projects),
        investment_cost_fixed=costs,
        vat_share=np.array([i["vat_compensation"] for i in projects], dtype=float),
        grant_share=np.array([i["grants"] for i in projects], dtype=float),
        sale_share=np.array([i["sales"] for i in projects], dtype=float),
        loan_share=np.array([np.nan if i["loan"] is None else i["loan"] for i in projects],
                            dtype=float),
        rentable=np.array([i["rentable"] for i in projects], dtype=bool),
        useful_life=np.array([i["useful_life"] for i in projects], dtype=float),
        completion_index=completion,
        long_term_rows=tuple(bool(i["long_term"]) for i in projects),
        cost_growth=cost_growth[None, :],
        self_financing_share=plan.finance.self_financing_share.value,
        extra_instalments=extra,
        opening_debt=plan.opening.debt.value,
        opening_assets=plan.opening.depreciable_assets.value,
        opening_depreciation=plan.opening.depreciation.value,
        opening_useful_life=plan.opening.weighted_life().value,
        fund_ids=tuple(f.id for f in funds),
        fund_roles=tuple(f.role for f in funds),
        fund_opening=np.array([f.amount for f in funds], dtype=float),
        reserve_fund_index=reserve_index,
        area_ids=tuple(a.id for _, a in areas),
        area_sector=np.array([s for s, _ in areas], dtype=int),
        area_frames_fixed=area_frames,
        investment_opcons_fixed=np.array([i["operating_consequences"] for i in projects],
                                         dtype=float),
        cost_recovery=np.array([RECOVERY[str(i["cost_recovery"])] for i in projects],
                               dtype=int),
        project_place=np.array([_place(i["place"], plan, [a.id for _, a in areas])
                                for i in projects], dtype=int),
    )


def _place(place: object, plan: Plan, area_ids: list[str]) -> int:
    """A project's place as ``FinanceInputs.project_place`` codes it."""
    if isinstance(place, tuple):
        return -2 - [s.id for s in plan.sectors].index(place[1])
    return area_ids.index(place) if isinstance(place, str) else -1


RECOVERY = {"none": 0, "selvkost": 1, "rent": 2}

AREA_INCOME = {"fees": "fees", "other": "refunds"}
"""Each income kind a programområde may hold, and the sectors.csv column that splits it."""


def _netted_share(plan: Plan, income_base: dict[str, float]) -> dict[str, float]:
    """The share of each area income kind held by netto frames (0 when none are netto)."""
    out = {}
    for kind, column in AREA_INCOME.items():
        held = sum(getattr(a, column) for s in plan.sectors for a in s.program_areas
                   if a.frame_basis == "netto")
        out[kind] = held / income_base[kind] if income_base[kind] else 0.0
    return out


def _policy_arrays(plan: Plan, years: np.ndarray) -> dict[str, object]:
    """The execution rate, the transfer limit, the fund return and the equalisation."""
    a, fin = plan.assumptions, plan.finance
    y_count = len(years)
    out: dict[str, object] = {"transfer_limit": fin.transfer_limit}
    if a.investment_execution_rate is not None:
        out["execution_rate"] = _series(a.investment_execution_rate, years)[None, :]
    ids = [f.id for f in plan.opening.funds]
    fr = fin.fund_return
    if fr is not None:
        out["managed_fund_index"] = ids.index(fr.fund)
        out["return_buffer_index"] = ids.index(fr.buffer_fund)
        out["expected_real_return"] = _series(fr.expected_real_return, years)
        out["return_deviation"] = np.zeros((1, y_count))
    out["fee_factor"] = np.ones(y_count)
    out["property_tax_rates"] = np.zeros((2, y_count))
    pt = fin.property_tax
    if pt is not None:
        plan_rates = np.array([pt.housing_rate.value, pt.other_rate.value])
        out["property_tax_known"] = True
        out["property_tax_base"] = np.array([pt.housing_base.value, pt.other_base.value])
        out["property_tax_plan_rates"] = plan_rates
        out["property_tax_rates"] = np.repeat(plan_rates[:, None], y_count, axis=1)
        out["property_tax_levied_since"] = pt.levied_since or 0
    eq = fin.income_equalisation
    if eq is not None:
        out["tax_ratio"] = eq.tax_ratio.value
        out["equalisation"] = np.stack([_series(eq.compensation, years),
                                        _series(eq.extra_compensation, years),
                                        _series(eq.threshold, years)])
        out["national_tax_growth"] = _series(a.tax_growth, years)[None, :]
    return out
