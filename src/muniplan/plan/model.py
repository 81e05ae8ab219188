"""The plan: a municipality's handlingsprogram med økonomiplan, as frozen pydantic models.

Everything here is data the finance staff write (see DESIGN.md, "The plan"): money in whole
kroner (the loader has already applied the file's ``amount_scale``), ratios as fractions,
years as integers. Every figure carries its provenance — a ``source`` (the id of an entry
in ``Plan.sources``, or a URL) or an ``assumption`` with its reason — so that any number on
a page or in a report can be traced. The models validate what a single object can know;
cross references (sector ids, source ids, years against the period) are checked by
:func:`Plan.check_references`, which the loader calls and turns into located errors.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from muniplan.plan.errors import FieldError
from muniplan.plan.population import PopulationData
from muniplan.plan.simulator_limits import DEFAULTS as SIMULATOR_DEFAULTS
from muniplan.plan.simulator_limits import LIMITS as SIMULATOR_LIMITS

Year = Annotated[int, Field(ge=1900, le=2200)]
Kroner = int
Ratio = float

INVESTMENT_CATEGORIES = (
    "schools",
    "kindergartens",
    "nursing_homes",
    "housing",
    "sports",
    "culture",
    "digitalisation",
    "maintenance",
    "water_sewage",
    "transport",
    "climate",
    "other",
)
"""Investment categories. The press release groups Bærum's programme by these."""

CATEGORY_LABELS = {
    "schools": "Skolebygg",
    "kindergartens": "Barnehager",
    "nursing_homes": "Sykehjem og bofellesskap",
    "housing": "Boliger",
    "sports": "Idrettsanlegg",
    "culture": "Kultur",
    "digitalisation": "Digitalisering",
    "maintenance": "Formuesbevaring og vedlikehold",
    "water_sewage": "Vann og avløp",
    "transport": "Samferdsel",
    "climate": "Klimatiltak",
    "other": "Øvrige investeringer",
}

RULE_INDICATORS = {
    "net_operating_result_ratio": "Netto driftsresultat i % av driftsinntekter",
    "self_financing_share": "Egenfinansiering av ikke-rentable investeringer",
    "buffer_fund": "Bufferfond",
    "liquidity_reserve": "Likviditetsreserve",
    "reserve_fund": "Disposisjonsfond i alt",
    "reserve_fund_ratio": "Disposisjonsfond i % av driftsinntekter",
    "debt_ratio": "Gjeldsgrad (lånegjeld i % av driftsinntekter)",
    "investment_execution_rate": "Gjennomføringsgrad investeringer",
}
"""Indicators a financial rule (handlingsregel) can name, with their Norwegian labels."""

RATIO_INDICATORS = {
    "net_operating_result_ratio",
    "self_financing_share",
    "reserve_fund_ratio",
    "debt_ratio",
    "investment_execution_rate",
}

MEASURE_STATUSES = ("planned", "started", "ongoing", "completed", "postponed", "cancelled")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Provenance(_Frozen):
    """Where a figure comes from: a source, or an assumption with its reason.

    ``source`` names an entry of ``Plan.sources`` (or is a URL); ``assumption`` is the reason
    a figure that no source gives was chosen. A figure may have both: a derived figure cites
    its source and says how it was derived.
    """

    source: str | None = None
    assumption: str | None = None

    @model_validator(mode="after")
    def _has_provenance(self) -> Provenance:
        if not (self.source and self.source.strip()) and not (
            self.assumption and self.assumption.strip()
        ):
            raise FieldError("every figure needs a 'source' or an 'assumption' with its reason",
                             field="source")
        return self


class Source(_Frozen):
    """A document, table or page figures are taken from."""

    id: str
    title: str
    url: str | None = None
    publisher: str | None = None
    note: str | None = None


class Municipality(_Frozen):
    name: str = Field(min_length=1)
    number: str = Field(pattern=r"^\d{4}$", description="kommunenummer, four digits")


class Period(_Frozen):
    """The økonomiplan period: at least four budget years (koml. 2018 § 14-4; 1992 § 44 nr. 2)."""

    first: Year
    last: Year

    @model_validator(mode="after")
    def _four_years(self) -> Period:
        if self.last - self.first + 1 < 4:
            raise FieldError(
                f"an økonomiplan covers at least four years (kommuneloven § 14-4), "
                f"found {self.first}–{self.last}", field="last",
            )
        return self

    @property
    def years(self) -> range:
        return range(self.first, self.last + 1)


class PriceBasis(_Frozen):
    """Fixed (faste YEAR-kroner) or nominal (løpende) prices."""

    kind: Literal["fixed", "nominal"]
    year: Year | None = None

    @model_validator(mode="after")
    def _year_for_fixed(self) -> PriceBasis:
        if self.kind == "fixed" and self.year is None:
            raise ValueError("a fixed price basis names its year, e.g. 'fixed 2018'")
        return self

    def label(self, lang: str = "nb") -> str:
        """The price basis in words, in bokmål or (``lang="en"``) English."""
        if lang == "en":
            return f"fixed {self.year} kroner" if self.kind == "fixed" else "current kroner"
        return f"faste {self.year}-kroner" if self.kind == "fixed" else "løpende kroner"


class Series(Provenance):
    """A value per year. No silent carry-forward: a year outside it is an error unless the
    series says how to extend (``hold`` keeps the last value; ``interpolate`` draws a straight
    line between the years given and holds the last value after them; ``none`` refuses)."""

    values: dict[Year, float]
    extend: Literal["none", "hold", "interpolate"] = "none"
    unit: Literal["ratio", "kroner", "index", "years"] = "ratio"

    @field_validator("values")
    @classmethod
    def _not_empty(cls, v: dict[int, float]) -> dict[int, float]:
        if not v:
            raise ValueError("a series needs at least one year")
        return dict(sorted(v.items()))

    def at(self, year: int) -> float:
        if year in self.values:
            return self.values[year]
        years = sorted(self.values)
        if year < years[0]:
            raise KeyError(f"no value for {year}: the series starts in {years[0]}")
        if self.extend == "hold":
            return self.values[max(y for y in years if y <= year)]
        if self.extend == "interpolate":
            before = max(y for y in years if y <= year)
            after = [y for y in years if y > year]
            if not after:
                return self.values[before]
            a, b = self.values[before], self.values[after[0]]
            return a + (b - a) * (year - before) / (after[0] - before)
        if year > years[-1]:
            raise KeyError(
                f"no value for {year}: the series ends in {years[-1]} and does not say how "
                "to extend (extend: hold)"
            )
        # inside the span but missing: hold the previous value only if declared
        raise KeyError(f"no value for {year}")

    def covers(self, first: int, last: int) -> int | None:
        """The first year in ``first..last`` the series cannot give, or None."""
        for y in range(first, last + 1):
            try:
                self.at(y)
            except KeyError:
                return y
        return None


class Figure(Provenance):
    """One number with its provenance (ratios as fractions, money in kroner)."""

    value: float


class Assumptions(_Frozen):
    """Economic assumptions (forutsetninger). Growth rates are fractions per year.

    The kommunal deflator is ``wage_weight × wage_growth + (1 − wage_weight) × price_growth``
    (domain.md §5.4); tax, block grant and fees grow in real terms per inhabitant, so that the
    nominal income of year t is base × population index × real index × price index.
    """

    wage_growth: Series
    price_growth: Series
    deflator_wage_weight: Series
    interest_rate: Series
    tax_growth: Series
    block_grant_growth: Series
    fee_growth: Series
    other_income_growth: Series
    population_index: Series | None = None
    financial_income: Series | None = None
    cost_growth: Series | None = None
    investment_execution_rate: Series | None = None

    @field_validator("deflator_wage_weight")
    @classmethod
    def _weight_is_a_fraction(cls, v: Series) -> Series:
        for year, w in v.values.items():
            if not 0 <= w <= 1:
                raise ValueError(f"the wage weight for {year} is {w}, not a fraction from 0 to 1")
        return v

    @field_validator("wage_growth", "price_growth", "interest_rate", "tax_growth",
                     "block_grant_growth", "fee_growth", "other_income_growth", "cost_growth")
    @classmethod
    def _rate_is_a_fraction(cls, v: Series | None) -> Series | None:
        # a yearly rate of 4 means 400 %: almost surely a percent typed as a number, and
        # anything near ±100 % a year would only overflow the projection into nonsense
        if v is not None:
            for year, r in v.values.items():
                if not -0.5 <= r <= 0.5:
                    raise ValueError(f"the rate for {year} is {r}; rates are fractions a year "
                                     "from -0.5 to 0.5 (write 0.03 for 3 %)")
        return v

    @field_validator("investment_execution_rate")
    @classmethod
    def _execution_is_a_share(cls, v: Series | None) -> Series | None:
        # gjennomføringsgrad: the share of the year's disposable investment budget spent;
        # 0 would carry everything forward for ever, above 1 would spend money not granted
        if v is not None:
            for year, r in v.values.items():
                if not 0 < r <= 1:
                    raise ValueError(f"the execution rate for {year} is {r}; expected a share "
                                     "above 0 and at most 1 (write 0.8 for 80 %)")
        return v

    @field_validator("population_index")
    @classmethod
    def _index_is_positive(cls, v: Series | None) -> Series | None:
        if v is not None:
            for year, x in v.values.items():
                if not 0 < x < 1000:
                    raise ValueError(f"the population index for {year} is {x}; expected a "
                                     "positive index such as 1.0")
        return v


class IncomeItem(Provenance):
    """A kind of operating income in the base year, in fixed base-year kroner."""

    id: Literal["tax", "block_grant", "property_tax", "fees", "other"]
    name: str
    amount: Kroner = Field(ge=0)
    per_inhabitant: bool = True


class Fund(Provenance):
    """A disposisjonsfond at the opening of the plan (31 December before the first year).

    ``role``: ``buffer`` (held, used only by decision), ``reserve`` (takes the surplus or
    deficit of each year), ``managed`` (a forvaltningsfond: invested, its capital kept in
    real terms, never drawn to cover a deficit; see ``finance.fund_return``), ``other``.
    """

    id: str
    name: str
    amount: Kroner = Field(ge=0)
    role: Literal["buffer", "reserve", "managed", "other"] = "other"


class OpeningBalances(_Frozen):
    """Balances at 31 December of the year before the plan."""

    debt: Figure
    depreciable_assets: Figure
    depreciation: Figure
    weighted_remaining_life: Figure
    funds: tuple[Fund, ...]
    weighted_useful_life: Figure | None = None

    def weighted_life(self) -> Figure:
        """The assets' useful life (levetid per group) weighted by book value, which is what
        kommuneloven 1992 § 50 nr. 7 a caps the repayment term at (the regnearkmodell).
        Plans written before this field gave only ``weighted_remaining_life``; that figure
        is then used as the weighted life."""
        return self.weighted_useful_life or self.weighted_remaining_life

    @field_validator("debt", "depreciable_assets", "depreciation")
    @classmethod
    def _amount_not_negative(cls, v: Figure) -> Figure:
        if v.value < 0:
            raise ValueError(f"a balance cannot be negative, found {v.value}")
        return v

    @field_validator("weighted_remaining_life", "weighted_useful_life")
    @classmethod
    def _life_in_years(cls, v: Figure | None) -> Figure | None:
        if v is not None and not 0 < v.value <= 100:
            raise ValueError(f"the weighted life is {v.value}; expected years, "
                             "more than 0 and at most 100")
        return v


class ProgramArea(Provenance):
    """Programområde: a line of the budget with an operating frame per year, in fixed
    base-year kroner. ``note`` is the text of the row's note columns (kommentar, merknad,
    note), shown beside it.

    ``frame_basis`` says what the frame holds: ``brutto`` — the area's operating expenses,
    its fees and refunds being income lines of their own — or ``netto`` — the expenses
    less the area's own fees and refunds, as most handlingsprogram tables show them.
    ``fees`` and ``refunds`` are the area's share of the plan's income kinds ``fees`` and
    ``other`` in the base year, so budsjettskjema 1B and § 5-4 andre ledd can show net
    appropriations per area (and a netto frame can be grossed up)."""

    id: str
    name: str
    number: str | None = None
    operating_frame: dict[Year, Kroner]
    note: str | None = None
    frame_basis: Literal["brutto", "netto"] | None = None
    fees: Kroner = Field(default=0, ge=0)
    refunds: Kroner = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _non_negative(self) -> ProgramArea:
        """A gross frame is an expense and cannot be negative; a net frame can (an area
        whose own fees and refunds exceed its costs, such as water and sewage)."""
        if self.frame_basis != "netto":
            for year, amount in self.operating_frame.items():
                if amount < 0:
                    raise FieldError(f"operating frame for {year} is negative ({amount})",
                                     field=str(year))
        object.__setattr__(self, "operating_frame", dict(sorted(self.operating_frame.items())))
        return self


class Sector(_Frozen):
    """Sektor: a political committee's area, split into programområder with frames."""

    id: str
    name: str
    program_areas: tuple[ProgramArea, ...]

    def operating_frame(self) -> dict[int, int]:
        total: dict[int, int] = {}
        for area in self.program_areas:
            for year, amount in area.operating_frame.items():
                total[year] = total.get(year, 0) + amount
        return dict(sorted(total.items()))


class Investment(Provenance):
    """An investment project (investeringsprosjekt), cost in kroner per year.

    Financing shares are fractions of the cost: VAT compensation (momskompensasjon, 0.2 of a
    cost including 25 % VAT when eligible), grants (tilskudd), sales (salg av anleggsmidler),
    and ``loan`` when the plan fixes it; without ``loan`` the plan's self-financing rule
    decides how the rest is split between transfer from operations and new loans.
    ``operating_consequences`` is the yearly change in operating expenses from the year
    after completion, in fixed base-year kroner.
    """

    id: str
    name: str
    category: str
    sector: str
    program_area: str | None = None
    cost: dict[Year, Kroner]
    completion_year: Year
    vat_compensation: Ratio = Field(default=0.0, ge=0, le=0.2)
    grants: Ratio = Field(default=0.0, ge=0, le=1)
    sales: Ratio = Field(default=0.0, ge=0, le=1)
    loan: Ratio | None = Field(default=None, ge=0, le=1)
    rentable: bool = False
    useful_life: int = Field(ge=1, le=100)
    operating_consequences: Kroner = 0
    cost_recovery: Literal["none", "selvkost", "rent"] = "none"
    note: str | None = None
    """The text of the row's note columns (kommentar, merknad, note), shown beside it."""

    @field_validator("category")
    @classmethod
    def _known_category(cls, v: str) -> str:
        if v not in INVESTMENT_CATEGORIES:
            raise ValueError(f"unknown category {v!r}; one of {', '.join(INVESTMENT_CATEGORIES)}")
        return v

    @field_validator("cost")
    @classmethod
    def _cost_non_negative(cls, v: dict[int, int]) -> dict[int, int]:
        for year, amount in v.items():
            if amount < 0:
                raise ValueError(f"cost for {year} is negative ({amount})")
        return dict(sorted(v.items()))

    @model_validator(mode="after")
    def _consistent(self) -> Investment:
        if self.cost and self.completion_year < min(self.cost):
            raise FieldError(
                f"completion_year {self.completion_year} is before the first cost year "
                f"{min(self.cost)}", field="completion_year",
            )
        shares = self.vat_compensation + self.grants + self.sales + (self.loan or 0.0)
        if shares > 1 + 1e-9:
            raise FieldError(f"financing shares add up to {shares:.3f}, more than the cost",
                             field="vat_compensation+grants+sales+loan")
        return self

    @property
    def total_cost(self) -> int:
        return sum(self.cost.values())


class LongTermInvestment(Provenance):
    """The investment level beyond the projects, year by year (the long-term investment
    plan, LDIP): ``amount`` per year in fixed base-year kroner for ``first..last``, with the
    financing mix of a typical project."""

    id: str
    name: str
    first: Year
    last: Year
    amount: Kroner = Field(ge=0)
    vat_compensation: Ratio = Field(default=0.0, ge=0, le=0.2)
    grants: Ratio = Field(default=0.0, ge=0, le=1)
    rentable_share: Ratio = Field(default=0.0, ge=0, le=1)
    useful_life: int = Field(ge=1, le=100)
    category: str = "other"
    rentable_cost_recovery: Literal["none", "selvkost", "rent"] = "none"
    program_area: str | None = None
    """Where the rentable part's fees or rents (its recovered capital cost) belong."""

    @model_validator(mode="after")
    def _ordered(self) -> LongTermInvestment:
        if self.last < self.first:
            raise ValueError(f"last {self.last} is before first {self.first}")
        if self.category not in INVESTMENT_CATEGORIES:
            raise ValueError(f"unknown category {self.category!r}")
        return self


class Measure(Provenance):
    """Tiltak. ``cost`` per year in kroner; negative for a savings measure.

    ``in_frames``: the cost is already inside the sector frames (the usual case in a
    handlingsprogram, where measures explain the frames); if false the engine adds it.
    """

    id: str
    name: str
    sector: str | None = None
    cost: dict[Year, Kroner] = Field(default_factory=dict)
    status: str = "planned"
    in_frames: bool = True
    kind: Literal["operating", "investment"] = "operating"
    description: str | None = None

    @field_validator("status")
    @classmethod
    def _known_status(cls, v: str) -> str:
        if v not in MEASURE_STATUSES:
            raise ValueError(f"unknown status {v!r}; one of {', '.join(MEASURE_STATUSES)}")
        return v


class Target(Provenance):
    """Mål with an indicator and target values by year."""

    id: str
    name: str
    indicator: str
    unit: str
    values: dict[Year, float]
    baseline: float | None = None
    baseline_year: Year | None = None


class PriorityArea(_Frozen):
    """Satsingsområde with its measures and targets."""

    id: str
    name: str
    description: str | None = None
    measures: tuple[Measure, ...] = ()
    targets: tuple[Target, ...] = ()


class Strategy(Provenance):
    """A main lever of the plan (hovedgrep), e.g. forebygging og tidlig innsats."""

    id: str
    name: str
    description: str | None = None


class Rule(Provenance):
    """A financial rule (handlingsregel / finansielt måltall, koml. 2018 § 14-2).

    ``limit`` is in the indicator's unit: a fraction for ratios, kroner for funds.
    ``applies``: ``annual`` or ``period_end`` (the last year of each four-year period).
    ``projected``: false for follow-up indicators the projection cannot know (the share of
    the investment budget actually spent); they are shown but not checked.
    """

    id: str
    name: str
    indicator: str
    operator: Literal[">=", "<=", "=", ">", "<"]
    limit: float
    applies: Literal["annual", "period_end"] = "annual"
    tolerance: float = Field(default=0.0, ge=0)
    projected: bool = True

    @field_validator("indicator")
    @classmethod
    def _known_indicator(cls, v: str) -> str:
        if v not in RULE_INDICATORS:
            raise ValueError(f"unknown indicator {v!r}; one of {', '.join(RULE_INDICATORS)}")
        return v

    def holds(self, value: float) -> bool:
        op = self.operator
        t = self.tolerance
        if op == ">=":
            return value >= self.limit - t
        if op == "<=":
            return value <= self.limit + t
        if op == ">":
            return value > self.limit - t
        if op == "<":
            return value < self.limit + t
        return abs(value - self.limit) <= max(t, 1e-9)


class AgeCoverage(_Frozen):
    """Coverage (dekningsgrad) of a service in an age group, with an optional path of
    changes — the plan's levers (forebygging, mestring) act here."""

    ages: tuple[int, int]
    coverage: Ratio = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> AgeCoverage:
        lo, hi = self.ages
        if not (0 <= lo <= hi <= 105):
            raise ValueError(f"age group {lo}-{hi} must lie within 0-105 and be ordered")
        return self


class Service(Provenance):
    """An age-driven service for the demographic cost (TBU method, domain.md §4).

    users = Σ population(age group) × coverage; cost = users × unit cost (fixed base-year
    kroner). Without ``unit_cost`` the cost is calibrated from the base year: the program
    areas' frame over the base-year users (marked so in every output).
    ``coverage_change`` and ``unit_cost_change`` are yearly growth paths (fractions) — the
    levers of the plan's strategies; both default to no change.
    """

    id: str
    name: str
    groups: tuple[AgeCoverage, ...]
    program_areas: tuple[str, ...] = ()
    unit_cost: Kroner | None = None
    share_of_frame: Ratio = Field(default=1.0, ge=0, le=1)
    coverage_change: Series | None = None
    unit_cost_change: Series | None = None
    strategy: str | None = None


class Override(_Frozen):
    """One change a scenario makes: ``parameter`` in years ``first..last`` (default: every
    projected year), by ``op`` — ``set`` replaces, ``add`` adds, ``scale`` multiplies — with
    a constant ``value`` or a linear ``ramp`` from its first to its last value over the
    years. Money values are in the plan's amount scale (converted by the loader)."""

    parameter: str
    op: Literal["set", "add", "scale"] = "set"
    value: float | None = None
    ramp: tuple[float, float] | None = None
    first: Year | None = None
    last: Year | None = None

    @model_validator(mode="after")
    def _one_value(self) -> Override:
        if (self.value is None) == (self.ramp is None):
            raise ValueError("an override has either a 'value' or a 'ramp: [from, to]'")
        if self.first is not None and self.last is not None and self.last < self.first:
            raise ValueError(f"last {self.last} is before first {self.first}")
        return self


class Scenario(Provenance):
    """A named set of overrides (stress test, lever, alternative); scenarios compose in
    the order given, the last one winning where two set the same thing."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    description: str | None = None
    kind: Literal["stress", "lever", "alternative"] = "stress"
    overrides: tuple[Override, ...]


class FundReturn(_Frozen):
    """The forvaltningsfond's return and what the budget counts on (Bærum's practice).

    The operating budget counts on the fund's balance × ``expected_real_return``; the
    inflation part of the return (balance × price growth) is set aside in the fund so it
    keeps its real value, and whatever the realised return differs from the expected one
    goes to (or is drawn from) ``buffer_fund``. ``spread`` is the standard deviation of the
    yearly realised return, drawn in the Monte Carlo."""

    fund: str
    expected_real_return: Series
    spread: Figure
    buffer_fund: str

    @field_validator("expected_real_return")
    @classmethod
    def _return_is_a_fraction(cls, v: Series) -> Series:
        for year, r in v.values.items():
            if not -0.5 <= r <= 0.5:
                raise ValueError(f"the expected real return for {year} is {r}; expected a "
                                 "fraction a year from -0.5 to 0.5 (write 0.025 for 2.5 %)")
        return v

    @field_validator("spread")
    @classmethod
    def _spread_is_a_fraction(cls, v: Figure) -> Figure:
        if not 0 <= v.value <= 1:
            raise ValueError(f"the spread is {v.value}; expected a standard deviation of the "
                             "yearly return from 0 to 1 (write 0.065 for 6.5 percentage points)")
        return v


class IncomeEqualisation(_Frozen):
    """Inntektsutjevning in the symmetric model (domain.md §5.2): 60 % of the difference
    between the municipality's tax per inhabitant and the national average is equalised in
    the same year's block grant, plus 35 % of the shortfall below 90 % of the average.
    ``tax_ratio``: the plan's tax per inhabitant over the national average in the base
    year. The plan's block grant is read as including the base year's equalisation."""

    tax_ratio: Figure
    compensation: Series
    extra_compensation: Series
    threshold: Series

    @field_validator("tax_ratio")
    @classmethod
    def _ratio_is_positive(cls, v: Figure) -> Figure:
        if not 0 < v.value <= 10:
            raise ValueError(f"the tax ratio is {v.value}; expected tax per inhabitant over the "
                             "national average, above 0 (write 1.5 for 150 %)")
        return v

    @field_validator("compensation", "extra_compensation", "threshold")
    @classmethod
    def _share(cls, v: Series) -> Series:
        for year, r in v.values.items():
            if not 0 <= r <= 1:
                raise ValueError(f"the value for {year} is {r}; expected a share from 0 to 1 "
                                 "(write 0.6 for 60 %)")
        return v


class PropertyTax(_Frozen):
    """Eiendomsskatt (lov om eigedomsskatt til kommunane): the tax bases and the rates in
    force, so that a changed rate can be turned into income (engine/property_tax.py).

    ``housing_base`` and ``other_base`` are skattegrunnlaget in kroner — after the
    reduksjonsfaktor and the bunnfradrag — for bustader og fritidsbustader and for all other
    property; ``housing_rate`` and ``other_rate`` the rates written out (fractions: 0.002 is
    2 ‰; 0 where the kommune writes none); ``levied_since`` the first year eiendomsskatt was
    written out (needed when a rate is above zero: § 11 caps the first year at 2 ‰)."""

    housing_base: Figure
    other_base: Figure
    housing_rate: Figure
    other_rate: Figure
    levied_since: Year | None = None

    @model_validator(mode="after")
    def _rates(self) -> PropertyTax:
        for key in ("housing_base", "other_base"):
            if getattr(self, key).value < 0:
                raise FieldError("the tax base is negative; expected kroner, 0 or more",
                                 field=key)
        for key in ("housing_rate", "other_rate"):
            rate = getattr(self, key).value
            if not 0 <= rate <= 0.007:
                raise FieldError(f"the rate is {rate}; expected a fraction from 0 to 0.007 "
                                 "(7 ‰, eigedomsskattelova § 11; write 0.002 for 2 ‰)",
                                 field=key)
        if (self.housing_rate.value or self.other_rate.value) and self.levied_since is None:
            raise FieldError("a rate above zero needs the year eiendomsskatt was first "
                             "written out (§ 11 caps that year at 2 ‰)", field="levied_since")
        return self


class FinancePolicy(_Frozen):
    """How the plan finances and allocates: the self-financing rule and instalments."""

    self_financing_share: Figure
    extra_instalments: Figure | None = None
    reserve_fund: str
    demography_in_frames: bool = False
    transfer_limit: Literal["result_and_funds", "result", "none"] = "result_and_funds"
    fund_return: FundReturn | None = None
    income_equalisation: IncomeEqualisation | None = None
    property_tax: PropertyTax | None = None


class SimulatorLimits(Provenance):
    """How far the citizens' budget simulator lets each lever move, either way (percent;
    years for ``delay``); 0 takes a lever away. The defaults and bounds are described in
    ``plan/simulator_limits.py``, which the reference page is generated from."""

    sector_frame: float = SIMULATOR_DEFAULTS["sector_frame"]
    area_frame: float = SIMULATOR_DEFAULTS["area_frame"]
    fees: float = SIMULATOR_DEFAULTS["fees"]
    long_term_investments: float = SIMULATOR_DEFAULTS["long_term_investments"]
    delay: float = SIMULATOR_DEFAULTS["delay"]

    @field_validator(*SIMULATOR_DEFAULTS, mode="before")
    @classmethod
    def _number(cls, v: object, info: ValidationInfo) -> object:
        """A limit is a number as written: ``true`` or ``"10"`` is refused, not read as
        1 or 10."""
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise ValueError(next(x for x in SIMULATOR_LIMITS
                                  if x.key == info.field_name).problem(v))
        return v

    @model_validator(mode="after")
    def _within(self) -> SimulatorLimits:
        for limit in SIMULATOR_LIMITS:
            problem = limit.problem(getattr(self, limit.key))
            if problem:
                raise FieldError(problem, field=limit.key)
        return self


class Plan(_Frozen):
    """Handlingsprogram med økonomiplan (kommuneloven 2018 § 14-4; 1992 § 44; plan- og
    bygningsloven § 11-1): a four-year plan on a longer horizon.

    ``population`` holds the folder's population statistics (arrays, not part of the JSON);
    ``digest`` is the SHA-256 of the folder's files, the plan's identity in provenance.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    schema_version: Literal[1] = 1
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    municipality: Municipality
    period: Period
    base_year: Year
    horizon: Year
    law_regime: Literal["1992", "2018"]
    amount_scale: Literal[1, 1000, 1000000]
    price_basis: PriceBasis
    status: Literal["draft", "proposal", "alternative", "adopted"] = "draft"
    adopted: str | None = None
    sources: tuple[Source, ...]
    assumptions: Assumptions
    income: tuple[IncomeItem, ...]
    opening: OpeningBalances
    finance: FinancePolicy
    sectors: tuple[Sector, ...]
    investments: tuple[Investment, ...]
    long_term_investments: tuple[LongTermInvestment, ...] = ()
    priority_areas: tuple[PriorityArea, ...] = ()
    strategies: tuple[Strategy, ...] = ()
    rules: tuple[Rule, ...] = ()
    services: tuple[Service, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    changes: tuple[Scenario, ...] = ()
    """Changes this version makes to the plan as written (changes.yaml): a party group's
    alternative budget, a budget revision. Unlike scenarios they are part of the plan:
    every projection applies them, first, in order."""
    simulator: SimulatorLimits | None = None
    """The citizens' budget simulator's lever limits; None: the defaults (assumptions)."""
    population: PopulationData | None = Field(default=None, exclude=True, repr=False)
    digest: str = Field(default="", exclude=True)

    @model_validator(mode="after")
    def _years(self) -> Plan:
        if not (self.period.first - 1 <= self.base_year <= self.period.first):
            raise FieldError(
                f"base_year {self.base_year} must be the first plan year {self.period.first} "
                f"or the year before it", field="base_year",
            )
        if self.horizon < self.period.last:
            raise FieldError(
                f"horizon {self.horizon} ends before the plan period ({self.period.last})",
                field="horizon",
            )
        return self

    @property
    def years(self) -> range:
        """Every projected year, from the first plan year to the horizon."""
        return range(self.period.first, self.horizon + 1)

    def source_ids(self) -> set[str]:
        return {s.id for s in self.sources}

    def program_area_ids(self) -> set[str]:
        return {a.id for s in self.sectors for a in s.program_areas}
