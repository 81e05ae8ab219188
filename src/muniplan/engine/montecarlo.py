"""Monte Carlo on the whole model: stochastic population joined with economic paths.

Each draw is one possible future: a population path from the demographic model's own
spreads (:mod:`muniplan.demography.uncertainty`), and deviations from the plan's
assumptions for wage growth, price growth, the interest rate and the real growth of tax
per inhabitant. Each economic deviation is an AR(1) path, ``x_t = φ x_{t−1} + σ ε_t``
with ``x`` = 0 in the first (budget) year, so a shock persists for a while and fades; the
interest rate is floored at zero. The draws go through exactly the same finance code as the
deterministic projection (a deterministic run is one draw), vectorised over the draw axis.

The spreads (:class:`FinanceUncertainty`) are assumptions with their reasons, documented
in ``docs/montecarlo.md``; none is fitted to data the repository ships. Randomness comes
from ``numpy.random.SeedSequence(seed)``, one child per component, so the same seed gives
the same draws bit for bit, and adding a component does not shift the others.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from muniplan.demography import DEFAULT_GROUPS, parse_groups
from muniplan.demography.calibrated import reduce_sums
from muniplan.demography.calibration import Calibration, size_class
from muniplan.demography.fused import project_weighted
from muniplan.engine import finance_fast
from muniplan.engine.demand import N_AGES, coverage_weights, plan_model, service_change
from muniplan.engine.finance_stage import project_parts
from muniplan.engine.heap import reuse_freed_memory
from muniplan.engine.inputs import FinanceInputs
from muniplan.engine.scenario import Levers
from muniplan.plan.kommuner import load_calibration
from muniplan.plan.model import Plan

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
STAGES = ("befolkning", "økonomi", "tjenester", "finanser", "innsparingsbehov")
"""The steps a run reports to its ``progress`` callback, in order."""
KEPT_SERIES = (
    "operating_income", "operating_expenses", "gross_operating_result", "interest",
    "instalments", "net_operating_result", "net_operating_result_ratio", "investments",
    "new_loans", "debt", "debt_ratio", "reserve_fund", "buffer_fund", "liquidity_reserve",
    "self_financing_share", "deficit", "accumulated_deficit", "service_cost_change",
    "population_ratio", "price_index", "financial_income", "fund_return",
    "transfer_to_investment", "income_equalisation", "robek_status",
)
"""The series kept per draw (the rest are dropped to save memory on large runs)."""
SIDE_BY_SIDE_DRAWS = 1000
"""From this many draws the economic paths are drawn on threads."""
BYTES_PER_DRAW_YEAR = 2048
"""Peak memory of a run per draw and year: ``benchmarks/bench_montecarlo.py`` measures about
1 KB with tracemalloc (the finance arrays dominate once the population is fused); doubled for
what tracemalloc does not see (allocator slack, BLAS buffers)."""


@dataclass(frozen=True)
class AR1Spec:
    """Persistence ``phi`` and yearly innovation ``sd`` of a deviation path, with the
    reason the values were chosen — in bokmål, as readers see it (the web translates it
    through its catalogue)."""

    sd: float
    phi: float
    reason: str = ""

    def scaled(self, factor: float) -> AR1Spec:
        return replace(self, sd=self.sd * factor)


@dataclass(frozen=True)
class FinanceUncertainty:
    """The economic spreads of a Monte Carlo run, and whether the population is drawn."""

    wage_growth: AR1Spec = AR1Spec(
        0.008, 0.5,
        "Årslønnsveksten i Norge 2000–2018 lå mellom om lag 2,3 % og 6,3 % (TBU); et "
        "årlig avvik på 0,8 prosentpoeng med halveringstid om lag ett år gir en spredning "
        "på om lag ±1,5 prosentpoeng (90 %)",
    )
    price_growth: AR1Spec = AR1Spec(
        0.008, 0.4,
        "Konsumprisveksten 2000–2018 lå mellom om lag 0,5 % og 3,5 % rundt datidens "
        "inflasjonsmål på 2,5 %; 0,8 prosentpoeng i året, lite varig",
    )
    interest_rate: AR1Spec = AR1Spec(
        0.004, 0.9,
        "Renten endrer seg sakte (styringsrenten flyttes gradvis): 0,4 prosentpoeng i året "
        "med varighet 0,9 gir om lag ±2 prosentpoeng etter ti år — stresstesten med +2 "
        "prosentpoeng i LDIP er da om lag én av tjue baner",
    )
    tax_growth: AR1Spec = AR1Spec(
        0.012, 0.3,
        "Realveksten i skatt per innbygger varierer fra år til år med konjunkturene og "
        "statens skatteanslag (flere prosent i enkeltår); 1,2 prosentpoeng i året, kort "
        "varighet; rammetilskuddet trekkes ikke (det fastsettes av staten)",
    )
    population: bool = True
    population_scale: float = 1.0
    population_calibrated: bool = True
    """Population draws take their spread from the national backtests' errors
    (``docs/population.md``), scaled by ``population_scale``; False: the model's own."""
    execution_rate: AR1Spec = AR1Spec(
        0.095, 0.0,
        "Bærums gjennomføringsgrad var 68 %, 64 %, 85 %, 82 % og 82 % i 2016–2020 "
        "(årsrapporter 2016–2020): et standardavvik på 9,5 prosentpoeng rundt snittet, uten "
        "varighet fra år til år; trekkes bare for en plan med gjennomføringsgrad, holdes "
        "innenfor 30–100 %",
    )
    fund_return_scale: float = 1.0
    """The forvaltningsfond's realised return is drawn with the plan's own spread
    (``finance.fund_return.spread``) times this factor, independently each year."""

    def scaled(self, factor: float) -> FinanceUncertainty:
        """Every spread times ``factor`` (0: a Monte Carlo equal to the deterministic run)."""
        return FinanceUncertainty(
            self.wage_growth.scaled(factor), self.price_growth.scaled(factor),
            self.interest_rate.scaled(factor), self.tax_growth.scaled(factor),
            self.population, self.population_scale * factor, self.population_calibrated,
            self.execution_rate.scaled(factor), self.fund_return_scale * factor,
        )

    def describe(self) -> dict[str, dict[str, object]]:
        return {name: {"sd": spec.sd, "persistence": spec.phi, "reason": spec.reason}
                for name, spec in (("wage_growth", self.wage_growth),
                                   ("price_growth", self.price_growth),
                                   ("interest_rate", self.interest_rate),
                                   ("tax_growth", self.tax_growth),
                                   ("execution_rate", self.execution_rate))}


@dataclass(frozen=True)
class MonteCarloResult:
    inputs: FinanceInputs
    series: dict[str, np.ndarray]
    savings: np.ndarray
    population_quantiles: dict[str, dict[str, np.ndarray]] | None = None
    uncertainty: dict[str, dict[str, object]] = field(default_factory=dict)


def ar1_paths(spec: AR1Spec, draws: int, years: int, rng: np.random.Generator) -> np.ndarray:
    """``(draws, years)`` deviations, zero in the first year. The path is written over
    its own innovations, year by year (each year's innovation is read before its
    deviation replaces it): one array a path instead of two."""
    out = rng.standard_normal((draws, years))
    out[:, 0] = 0.0
    for t in range(1, years):
        out[:, t] = spec.phi * out[:, t - 1] + spec.sd * out[:, t]
    return out


def _side_by_side(draws: int, jobs: list[Callable[[], Any]]) -> list[Any]:
    """The results of ``jobs``, run on the finance stage's threads for a large run: each
    draws from its own generator (numpy fills an array of draws without holding the GIL),
    so which thread runs it changes no number."""
    if draws < SIDE_BY_SIDE_DRAWS or finance_fast.THREADS < 2:
        return [job() for job in jobs]
    with ThreadPoolExecutor(max_workers=finance_fast.THREADS) as pool:
        return [f.result() for f in [pool.submit(job) for job in jobs]]


def _added(path: np.ndarray, assumption: np.ndarray) -> np.ndarray:
    """``assumption + path`` written into ``path`` (a ``(D, Y)`` path; the assumption
    ``(D|1, Y)``)."""
    np.add(path, assumption, out=path)
    return path


def _drawn_investment_and_fund(plan: Plan, inp: FinanceInputs, u: FinanceUncertainty,
                               draws: int, rngs: list[np.random.Generator]
                               ) -> dict[str, np.ndarray]:
    """The execution rate and the forvaltningsfond's return deviation, drawn."""
    y = len(inp.years)
    out: dict[str, np.ndarray] = {}
    if inp.execution_rate is not None:
        dev = ar1_paths(u.execution_rate, draws, y, rngs[0])
        dev[:, 0] = u.execution_rate.sd * rngs[0].standard_normal(draws)  # the budget year too
        out["execution_rate"] = np.clip(inp.execution_rate + dev, 0.3, 1.0)
    fr = plan.finance.fund_return
    if fr is not None and inp.managed_fund_index >= 0:
        sd = fr.spread.value * u.fund_return_scale
        out["return_deviation"] = inp.return_deviation + sd * rngs[1].standard_normal(
            (draws, y))
    return out


def _population_stage(plan: Plan, u: FinanceUncertainty, seed: np.random.SeedSequence,
                      draws: int, first: int, last: int
                      ) -> tuple[np.ndarray, np.ndarray, dict[str, dict[str, np.ndarray]]]:
    """Drawn population paths, reduced as they are made to what the run reads: the
    total-population ratio ``(draw, year)``, the users of each service at base coverage
    ``(draw, service, year)`` and the percentiles of the age groups.

    Calibrated draws (the default) are moved onto the spread of the national backtests'
    errors by one factor per draw, year and age group (:meth:`Calibration.factors`); the
    users of each service are therefore summed per age group too, and scaled alike.
    """
    model = plan_model(plan)
    if not u.population or u.population_scale != 1.0:
        model = model.with_uncertainty(model.uncertainty.scaled(
            u.population_scale if u.population else 0.0))
    spans = list(parse_groups(DEFAULT_GROUPS).items())
    groups = np.zeros((2 * N_AGES, len(spans)))
    for g, (_label, (lo, hi)) in enumerate(spans):
        groups[lo:hi + 1, g] = groups[N_AGES + lo:N_AGES + hi + 1, g] = 1.0
    services = coverage_weights(plan, range(first, last + 1)) if plan.services else None
    k = len(spans)
    parts = [groups]
    if services is not None:  # each service's weights split by age group: (2·ages, group·S)
        parts += [services * groups[:, g:g + 1] for g in range(k)]
    weights = np.concatenate(parts, axis=1)
    # float32 counts only for uncalibrated draws that spread: there their error is about
    # 1/2 500 of the percentiles' sampling error, while the calibration's ranking lifts it
    # to 1/14 of it (docs/population.md); draws without spread must equal the deterministic
    # run, and the calibration's centre below stays float64
    single = bool(u.population) and u.population_scale > 0 and not u.population_calibrated
    sums = project_weighted(model, last, weights, first_year=first, draws=draws, seed=seed,
                            lanes="float32" if single else None)
    calibration = central = None
    size = 0
    if u.population and u.population_calibrated:
        centre = project_weighted(model, last, groups, first_year=plan.base_year, draws=1,
                                  seed=None)[0]
        calibration = _scaled_calibration(u.population_scale)
        central, size = centre[first - plan.base_year:], size_class(float(centre[0].sum()))
    reduced = reduce_sums(sums, k, 0 if services is None else services.shape[1], calibration,
                          central, np.arange(first, last + 1) - plan.base_year, size,
                          QUANTILES)
    del sums
    names = [*(label for label, _ in spans), "total"]
    pop_q = {f"{q:g}": {name: reduced.quantiles[i, g] for g, name in enumerate(names)}
             for i, q in enumerate(QUANTILES)}
    return reduced.total / reduced.total[:, :1], reduced.users, pop_q


@lru_cache(maxsize=4)
def _scaled_calibration(scale: float) -> Calibration:
    """The packaged calibration with its errors times ``scale`` (kept: runs repeat)."""
    return population_calibration().scaled(scale)


@lru_cache(maxsize=1)
def population_calibration() -> Calibration:
    """The packaged interval calibration (read once a process; a constant of the method)."""
    return Calibration(*load_calibration())


def run_draws(plan: Plan, inp: FinanceInputs, levers: Levers, *, draws: int, seed: int,
              uncertainty: FinanceUncertainty | None = None,
              progress: Callable[[str], None] | None = None) -> MonteCarloResult:
    """``draws`` futures of the plan under the (scenario-adjusted) arrays ``inp``.

    BLAS is held to one thread for the run: its products here are small and many, the
    population stage runs its own threads over chunks of draws, and a multithreaded BLAS
    on top of that oversubscribes the cores (measured 7–16× slower on two cores). Freed
    memory is kept for the run's next arrays (:func:`heap.reuse_freed_memory`).
    """
    with threadpool_limits(limits=1, user_api="blas"), reuse_freed_memory():
        return _run_draws(plan, inp, levers, draws=draws, seed=seed,
                          uncertainty=uncertainty, progress=progress)


def _run_draws(plan: Plan, inp: FinanceInputs, levers: Levers, *, draws: int, seed: int,
               uncertainty: FinanceUncertainty | None,
               progress: Callable[[str], None] | None) -> MonteCarloResult:
    u = uncertainty or FinanceUncertainty()
    step = progress or (lambda _stage: None)
    # two more children for the execution rate and the fund return; spawning more does
    # not change the first five, so the earlier components draw as before
    children = np.random.SeedSequence(seed).spawn(7)
    y = len(inp.years)
    first, last = int(inp.years[0]), int(inp.years[-1])

    step("befolkning")
    users = None
    pop_q = None
    if plan.population is not None:
        ratio, users, pop_q = _population_stage(plan, u, children[0], draws, first, last)
    elif plan.assumptions.population_index is not None:
        index = np.array([plan.assumptions.population_index.at(t) for t in range(first, last + 1)])
        ratio = (index / index[0])[None, :]
    else:
        ratio = np.ones((1, y))

    step("økonomi")
    rngs = [np.random.default_rng(c) for c in children[1:]]
    wage, price, rate, tax, others = _side_by_side(draws, [
        lambda: ar1_paths(u.wage_growth, draws, y, rngs[0]),
        lambda: ar1_paths(u.price_growth, draws, y, rngs[1]),
        lambda: ar1_paths(u.interest_rate, draws, y, rngs[2]),
        lambda: ar1_paths(u.tax_growth, draws, y, rngs[3]),
        lambda: _drawn_investment_and_fund(plan, inp, u, draws, rngs[4:]),
    ])
    # each assumption added to its drawn deviation in place (a + b is b + a, to the bit)
    np.maximum(_added(rate, inp.interest_rate), 0.0, out=rate)
    growth = {**inp.income_real_growth, "tax": _added(tax, inp.income_real_growth["tax"])}
    drawn = inp.with_changes(wage_growth=_added(wage, inp.wage_growth),
                             price_growth=_added(price, inp.price_growth),
                             interest_rate=rate, income_real_growth=growth, **others)

    step("tjenester")
    change, _ = service_change(plan, drawn, None, ratio, levers, users=users)
    del users
    step("finanser")
    # the path without savings and, on a second pass of the year loop over the same
    # inputs, each draw's savings need; in parts of draws on threads
    series, savings = project_parts(drawn, ratio, change, plan.rules, draws=draws,
                                    kept=KEPT_SERIES)
    step("innsparingsbehov")
    return MonteCarloResult(drawn, series, savings, pop_q, u.describe())
