"""The mandatory overviews (obligatoriske oversikter), line by line, as pure functions.

A municipality's budget and økonomiplan must be presented in fixed layouts: under the 2018
law the budsjett- og regnskapsforskriften's § 5-4 (bevilgningsoversikt drift), § 5-5
(bevilgningsoversikt investering) and § 5-6 (økonomisk oversikt etter art – drift); under
the 1992 law budsjettskjema 1A, 1B, 2A and 2B and the økonomisk oversikt drift. The line
numbers, official labels and the arithmetic between lines are in docs/domain.md §2.

Each overview function takes a *line-input dict* — ``{line number: amount or one amount a
year}`` — and computes the sum lines, so a published overview (Giske, Stavanger) can be fed
straight in and checked against its printed totals; :mod:`muniplan.report.overview_inputs`
builds the same dicts from a plan and its projection. Amounts keep the unit they were given
in (kroner from the projection, 1000 kr in a fixture). Signs: income and expenses are
positive, "bruk av" lines negative where the regulation says so, and derived lines follow the
formula; :meth:`Overview.negated` gives the accounts' convention with income negative.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

LineInputs = Mapping[int | str, Any]


@dataclass(frozen=True)
class LineSpec:
    """One line of a layout. ``formula`` is a tuple of signed line numbers (``"+1"``,
    ``"-13"``) for a computed line, None for an input line; ``heading`` lines carry no
    amounts."""

    number: str
    nb: str
    en: str
    formula: tuple[str, ...] | None = None
    heading: bool = False

    @property
    def total(self) -> bool:
        return self.formula is not None


@dataclass(frozen=True)
class Line:
    number: str
    nb: str
    en: str
    values: np.ndarray
    total: bool = False
    heading: bool = False
    indent: int = 0

    def label(self, lang: str = "nb") -> str:
        return self.nb if lang == "nb" else self.en


@dataclass(frozen=True)
class Overview:
    """A filled-in overview: its id (``"5-4"``, ``"1A"``...), titles, years and lines."""

    id: str
    title_nb: str
    title_en: str
    years: tuple[int, ...]
    lines: tuple[Line, ...]
    notes: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)

    def title(self, lang: str = "nb") -> str:
        return self.title_nb if lang == "nb" else self.title_en

    def line(self, number: int | str) -> np.ndarray:
        """The amounts of line ``number`` (one a year)."""
        key = str(number)
        for ln in self.lines:
            if ln.number == key and not ln.heading:
                return ln.values
        raise KeyError(f"{self.id} has no line {key}")

    def total(self) -> np.ndarray:
        """The last total line (the sum of an allocation overview such as 1B or 2B)."""
        for ln in reversed(self.lines):
            if ln.total:
                return ln.values
        raise KeyError(f"{self.id} has no total line")

    def negated(self) -> Overview:
        """Income negative, expenses positive: the sign convention of the accounts (Giske's
        budsjettskjema prints its income so)."""
        return replace(self, lines=tuple(replace(ln, values=-ln.values) for ln in self.lines))


def _vector(value: Any, n: int, where: str) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        return np.full(n, float(arr))
    if arr.shape != (n,):
        raise ValueError(f"{where}: expected one amount or {n} (one a year), found {arr.shape}")
    return arr.astype(float)


def compute(spec: Sequence[LineSpec], inputs: LineInputs, years: Sequence[int], *,
            overview_id: str, title_nb: str, title_en: str,
            notes: Iterable[str] = ()) -> Overview:
    """Fill in a layout: input lines from ``inputs`` (missing ones are 0), sum lines by
    their formula, in order. Unknown or computed line numbers in ``inputs`` are an error, so
    a typo can never drop an amount silently."""
    n = len(years)
    known = {s.number for s in spec if not s.heading}
    inputs_by = {str(k): v for k, v in inputs.items()}
    for key in inputs_by:
        if key not in known:
            raise ValueError(f"{overview_id} has no line {key}")
        if next(s for s in spec if s.number == key).formula is not None:
            raise ValueError(f"{overview_id} line {key} is a sum line, not an input")
    values: dict[str, np.ndarray] = {}
    lines = []
    for s in spec:
        if s.heading:
            lines.append(Line(s.number, s.nb, s.en, np.full(n, np.nan), heading=True))
            continue
        if s.formula is None:
            v = _vector(inputs_by.get(s.number, 0.0), n, f"{overview_id} line {s.number}")
        else:
            v = np.zeros(n)
            for term in s.formula:
                sign, ref = (-1.0 if term[0] == "-" else 1.0), term.lstrip("+-")
                v = v + sign * values[ref]
        values[s.number] = v
        lines.append(Line(s.number, s.nb, s.en, v, total=s.total))
    return Overview(overview_id, title_nb, title_en, tuple(int(y) for y in years),
                    tuple(lines), tuple(notes))


def _r(first: int, last: int, sign: str = "+") -> tuple[str, ...]:
    return tuple(f"{sign}{i}" for i in range(first, last + 1))


# --- 2018 regime -------------------------------------------------------------------------

SPEC_5_4 = (
    LineSpec("1", "Rammetilskudd", "Block grant"),
    LineSpec("2", "Inntekts- og formuesskatt", "Income and wealth tax"),
    LineSpec("3", "Eiendomsskatt", "Property tax"),
    LineSpec("4", "Andre generelle driftsinntekter", "Other general operating income"),
    LineSpec("5", "Sum generelle driftsinntekter", "Total general operating income", _r(1, 4)),
    LineSpec("6", "Sum bevilgninger drift, netto", "Total operating appropriations, net"),
    LineSpec("7", "Avskrivninger", "Depreciation"),
    LineSpec("8", "Sum netto driftsutgifter", "Total net operating expenses", ("+6", "+7")),
    LineSpec("9", "Brutto driftsresultat", "Gross operating result", ("+5", "-8")),
    LineSpec("10", "Renteinntekter", "Interest income"),
    LineSpec("11", "Utbytter", "Dividends"),
    LineSpec("12", "Gevinster og tap på finansielle omløpsmidler",
             "Gains and losses on current financial assets"),
    LineSpec("13", "Renteutgifter", "Interest expenses"),
    LineSpec("14", "Avdrag på lån", "Loan instalments"),
    LineSpec("15", "Netto finansutgifter", "Net financial expenses",
             ("+10", "+11", "+12", "-13", "-14")),
    LineSpec("16", "Motpost avskrivninger", "Depreciation offset", ("+7",)),
    LineSpec("17", "Netto driftsresultat", "Net operating result", ("+9", "+15", "+16")),
    LineSpec("", "Disponering eller dekning av netto driftsresultat:",
             "Allocation or coverage of the net operating result:", heading=True),
    LineSpec("18", "Overføring til investering", "Transfer to investment"),
    LineSpec("19", "Avsetninger til bundne driftsfond", "Provisions to restricted funds"),
    LineSpec("20", "Bruk av bundne driftsfond", "Use of restricted funds"),
    LineSpec("21", "Avsetninger til disposisjonsfond", "Provisions to unrestricted funds"),
    LineSpec("22", "Bruk av disposisjonsfond", "Use of unrestricted funds"),
    LineSpec("23", "Dekning av tidligere års merforbruk", "Coverage of earlier years' deficit"),
    LineSpec("24", "Sum disponeringer eller dekning av netto driftsresultat",
             "Total allocation or coverage of the net operating result", _r(18, 23)),
    LineSpec("25", "Fremført til inndekning i senere år (merforbruk)",
             "Carried forward to later years (deficit)", ("+17", "-24")),
)

SPEC_5_5 = (
    LineSpec("1", "Investeringer i varige driftsmidler", "Investments in fixed assets"),
    LineSpec("2", "Tilskudd til andres investeringer", "Grants to others' investments"),
    LineSpec("3", "Investeringer i aksjer og andeler i selskaper",
             "Investments in shares and holdings"),
    LineSpec("4", "Utlån av egne midler", "Lending of own funds"),
    LineSpec("5", "Avdrag på lån", "Loan instalments"),
    LineSpec("6", "Sum investeringsutgifter", "Total investment expenditure", _r(1, 5)),
    LineSpec("7", "Kompensasjon for merverdiavgift", "VAT compensation"),
    LineSpec("8", "Tilskudd fra andre", "Grants from others"),
    LineSpec("9", "Salg av varige driftsmidler", "Sales of fixed assets"),
    LineSpec("10", "Salg av finansielle anleggsmidler", "Sales of financial fixed assets"),
    LineSpec("11", "Utdeling fra selskaper", "Distributions from companies"),
    LineSpec("12", "Mottatte avdrag på utlån av egne midler",
             "Instalments received on loans of own funds"),
    LineSpec("13", "Bruk av lån", "Use of loans"),
    LineSpec("14", "Sum investeringsinntekter", "Total investment income", _r(7, 13)),
    LineSpec("15", "Videreutlån", "Relending"),
    LineSpec("16", "Bruk av lån til videreutlån", "Use of loans for relending"),
    LineSpec("17", "Avdrag på lån til videreutlån", "Instalments on loans for relending"),
    LineSpec("18", "Mottatte avdrag på videreutlån", "Instalments received on relending"),
    LineSpec("19", "Netto utgifter videreutlån", "Net relending expenditure",
             ("+15", "-16", "+17", "-18")),
    LineSpec("20", "Overføring fra drift", "Transfer from operations"),
    LineSpec("21", "Netto avsetninger til eller bruk av bundne investeringsfond",
             "Net provisions to or use of restricted investment funds"),
    LineSpec("22", "Netto avsetninger til eller bruk av ubundne investeringsfond",
             "Net provisions to or use of unrestricted investment funds"),
    LineSpec("23", "Dekning av tidligere års udekket beløp",
             "Coverage of earlier years' uncovered amount"),
    LineSpec("24", "Sum overføring fra drift og netto avsetninger",
             "Total transfer from operations and net provisions", _r(20, 23)),
    LineSpec("25", "Fremført til inndekning i senere år (udekket beløp)",
             "Carried forward to later years (uncovered amount)", ("+6", "-14", "+19", "-24")),
)

SPEC_5_6 = (
    LineSpec("", "Driftsinntekter", "Operating income", heading=True),
    LineSpec("1", "Rammetilskudd", "Block grant"),
    LineSpec("2", "Inntekts- og formuesskatt", "Income and wealth tax"),
    LineSpec("3", "Eiendomsskatt", "Property tax"),
    LineSpec("4", "Andre skatteinntekter", "Other tax income"),
    LineSpec("5", "Andre overføringer og tilskudd fra staten",
             "Other transfers and grants from the state"),
    LineSpec("6", "Overføringer og tilskudd fra andre", "Transfers and grants from others"),
    LineSpec("7", "Brukerbetalinger", "User charges"),
    LineSpec("8", "Salgs- og leieinntekter", "Sales and rental income"),
    LineSpec("9", "Sum driftsinntekter", "Total operating income", _r(1, 8)),
    LineSpec("", "Driftsutgifter", "Operating expenses", heading=True),
    LineSpec("10", "Lønnsutgifter", "Wages"),
    LineSpec("11", "Sosiale utgifter", "Social costs"),
    LineSpec("12", "Kjøp av varer og tjenester", "Purchases of goods and services"),
    LineSpec("13", "Overføringer og tilskudd til andre", "Transfers and grants to others"),
    LineSpec("14", "Avskrivninger", "Depreciation"),
    LineSpec("15", "Sum driftsutgifter", "Total operating expenses", _r(10, 14)),
    LineSpec("16", "Brutto driftsresultat", "Gross operating result", ("+9", "-15")),
    LineSpec("", "Finansposter", "Financial items", heading=True),
    LineSpec("17", "Renteinntekter", "Interest income"),
    LineSpec("18", "Utbytter", "Dividends"),
    LineSpec("19", "Gevinster og tap på finansielle omløpsmidler",
             "Gains and losses on current financial assets"),
    LineSpec("20", "Renteutgifter", "Interest expenses"),
    LineSpec("21", "Avdrag på lån", "Loan instalments"),
    LineSpec("22", "Netto finansutgifter", "Net financial expenses",
             ("+17", "+18", "+19", "-20", "-21")),
    LineSpec("23", "Motpost avskrivninger", "Depreciation offset", ("+14",)),
    LineSpec("24", "Netto driftsresultat", "Net operating result", ("+16", "+22", "+23")),
    LineSpec("", "Disponering eller dekning av netto driftsresultat",
             "Allocation or coverage of the net operating result", heading=True),
    LineSpec("25", "Overføring til investering", "Transfer to investment"),
    LineSpec("26", "Netto avsetninger til eller bruk av bundne driftsfond",
             "Net provisions to or use of restricted funds"),
    LineSpec("27", "Netto avsetninger til eller bruk av disposisjonsfond",
             "Net provisions to or use of unrestricted funds"),
    LineSpec("28", "Dekning av tidligere års merforbruk", "Coverage of earlier years' deficit"),
    LineSpec("29", "Sum disponeringer eller dekning av netto driftsresultat",
             "Total allocation or coverage of the net operating result", _r(25, 28)),
    LineSpec("30", "Fremført til inndekning i senere år (merforbruk)",
             "Carried forward to later years (deficit)", ("+24", "-29")),
)

# --- 1992 regime -------------------------------------------------------------------------

SPEC_1A = (
    LineSpec("1", "Skatt på inntekt og formue", "Income and wealth tax"),
    LineSpec("2", "Ordinært rammetilskudd", "Ordinary block grant"),
    LineSpec("3", "Skatt på eiendom", "Property tax"),
    LineSpec("4", "Andre direkte eller indirekte skatter", "Other direct or indirect taxes"),
    LineSpec("5", "Andre generelle statstilskudd", "Other general state grants"),
    LineSpec("6", "Sum frie disponible inntekter", "Total free disposable income", _r(1, 5)),
    LineSpec("7", "Renteinntekter og utbytte", "Interest income and dividends"),
    LineSpec("8", "Gevinst finansielle instrumenter (omløpsmidler)",
             "Gains on financial instruments (current assets)"),
    LineSpec("9", "Renteutg., provisjoner og andre fin.utg.",
             "Interest, commissions and other financial expenses"),
    LineSpec("10", "Tap finansielle instrumenter (omløpsmidler)",
             "Losses on financial instruments (current assets)"),
    LineSpec("11", "Avdrag på lån", "Loan instalments"),
    LineSpec("12", "Netto finansinnt./utg.", "Net financial income/expenses",
             ("+7", "+8", "-9", "-10", "-11")),
    LineSpec("13", "Til dekning av tidligere regnsk.m. merforbruk",
             "To cover earlier years' accounting deficit"),
    LineSpec("14", "Til ubundne avsetninger", "To unrestricted provisions"),
    LineSpec("15", "Til bundne avsetninger", "To restricted provisions"),
    LineSpec("16", "Bruk av tidligere regnsk.m. mindreforbruk",
             "Use of earlier years' accounting surplus"),
    LineSpec("17", "Bruk av ubundne avsetninger", "Use of unrestricted provisions"),
    LineSpec("18", "Bruk av bundne avsetninger", "Use of restricted provisions"),
    LineSpec("19", "Netto avsetninger", "Net provisions", ("-13", "-14", "-15", "+16", "+17",
                                                         "+18")),
    LineSpec("20", "Overført til investeringsbudsjettet", "Transferred to the investment budget"),
    LineSpec("21", "Til fordeling drift", "Available for operations",
             ("+6", "+12", "+19", "-20")),
    LineSpec("22", "Sum fordelt til drift (fra skjema 1B)",
             "Total allocated to operations (from schedule 1B)"),
    LineSpec("23", "Mer/mindreforbruk", "Deficit/surplus", ("+21", "-22")),
)

SPEC_2A = (
    LineSpec("1", "Investeringer i anleggsmidler", "Investments in fixed assets"),
    LineSpec("2", "Utlån og forskutteringer", "Loans and advances"),
    LineSpec("3", "Kjøp av aksjer og andeler", "Purchases of shares and holdings"),
    LineSpec("4", "Avdrag på lån", "Loan instalments"),
    LineSpec("5", "Dekning av tidligere års udekket", "Coverage of earlier years' uncovered"),
    LineSpec("6", "Avsetninger", "Provisions"),
    LineSpec("7", "Årets finansieringsbehov", "The year's financing need", _r(1, 6)),
    LineSpec("", "Finansiert slik:", "Financed as follows:", heading=True),
    LineSpec("8", "Bruk av lånemidler", "Use of borrowed funds"),
    LineSpec("9", "Inntekter fra salg av anleggsmidler", "Income from sales of fixed assets"),
    LineSpec("10", "Tilskudd til investeringer", "Grants for investments"),
    LineSpec("11", "Kompensasjon for merverdiavgift", "VAT compensation"),
    LineSpec("12", "Mottatte avdrag på utlån og refusjoner",
             "Instalments received on loans, and refunds"),
    LineSpec("13", "Andre inntekter", "Other income"),
    LineSpec("14", "Sum ekstern finansiering", "Total external financing", _r(8, 13)),
    LineSpec("15", "Overført fra driftsbudsjettet", "Transferred from the operating budget"),
    LineSpec("16", "Bruk av tidligere års udisponert", "Use of earlier years' unallocated"),
    LineSpec("17", "Bruk av avsetninger", "Use of provisions"),
    LineSpec("18", "Sum finansiering", "Total financing", ("+14", "+15", "+16", "+17")),
    LineSpec("19", "Udekket/udisponert", "Uncovered/unallocated", ("+7", "-18")),
)

SPEC_OKO_1992 = (
    LineSpec("1", "Brukerbetalinger", "User charges"),
    LineSpec("2", "Andre salgs- og leieinntekter", "Other sales and rental income"),
    LineSpec("3", "Overføringer med krav til motytelse", "Transfers with a service in return"),
    LineSpec("4", "Rammetilskudd", "Block grant"),
    LineSpec("5", "Andre statlige overføringer", "Other state transfers"),
    LineSpec("6", "Andre overføringer", "Other transfers"),
    LineSpec("7", "Skatt på inntekt og formue", "Income and wealth tax"),
    LineSpec("8", "Eiendomsskatt", "Property tax"),
    LineSpec("9", "Andre direkte og indirekte skatter", "Other direct and indirect taxes"),
    LineSpec("10", "Sum driftsinntekter", "Total operating income", _r(1, 9)),
    LineSpec("11", "Lønnsutgifter", "Wages"),
    LineSpec("12", "Sosiale utgifter", "Social costs"),
    LineSpec("13", "Kjøp av varer og tj. som inngår i tj.produksjon",
             "Goods and services used in service production"),
    LineSpec("14", "Kjøp av tjenester som erstatter tj.produksjon",
             "Services that replace own service production"),
    LineSpec("15", "Overføringer", "Transfers"),
    LineSpec("16", "Avskrivninger", "Depreciation"),
    LineSpec("17", "Fordelte utgifter", "Allocated expenses"),
    LineSpec("18", "Sum driftsutgifter", "Total operating expenses", _r(11, 17)),
    LineSpec("19", "Brutto driftsresultat", "Gross operating result", ("+10", "-18")),
    LineSpec("20", "Renteinntekter og utbytte", "Interest income and dividends"),
    LineSpec("21", "Renteutgifter og låneomkostninger", "Interest and borrowing costs"),
    LineSpec("22", "Avdrag på lån", "Loan instalments"),
    LineSpec("23", "Resultat eksterne finanstransaksjoner",
             "Result of external financial transactions", ("+20", "-21", "-22")),
    LineSpec("24", "Motpost avskrivninger", "Depreciation offset", ("+16",)),
    LineSpec("25", "Netto driftsresultat", "Net operating result", ("+19", "+23", "+24")),
    LineSpec("", "Interne finanstransaksjoner", "Internal financial transactions", heading=True),
    LineSpec("26", "Bruk av tidligere års regnskapsmessige mindreforbruk",
             "Use of earlier years' accounting surplus"),
    LineSpec("27", "Bruk av disposisjonsfond", "Use of unrestricted funds"),
    LineSpec("28", "Bruk av bundne fond", "Use of restricted funds"),
    LineSpec("29", "Sum bruk av avsetninger", "Total use of provisions", _r(26, 28)),
    LineSpec("30", "Overført til investeringsregnskapet", "Transferred to the investment accounts"),
    LineSpec("31", "Dekning av tidligere års regnskapsmessige merforbruk",
             "Covering earlier years' accounting deficit"),
    LineSpec("32", "Avsetninger til disposisjonsfond", "Allocations to unrestricted funds"),
    LineSpec("33", "Avsetninger til bundne fond", "Allocations to restricted funds"),
    LineSpec("34", "Sum avsetninger", "Total allocations", _r(30, 33)),
    LineSpec("35", "Regnskapsmessig mer/mindreforbruk", "Accounting surplus/deficit",
             ("+25", "+29", "-34")),
)


def bevilgningsoversikt_drift(inputs: LineInputs, years: Sequence[int],
                              notes: Iterable[str] = ()) -> Overview:
    """§ 5-4 første ledd (25 lines). Line 6 is the total of the second ledd."""
    return compute(SPEC_5_4, inputs, years, overview_id="5-4",
                   title_nb="Bevilgningsoversikt drift (§ 5-4 første ledd)",
                   title_en="Operating appropriations (§ 5-4 first paragraph)", notes=notes)


def bevilgningsoversikt_investering(inputs: LineInputs, years: Sequence[int],
                                    notes: Iterable[str] = ()) -> Overview:
    """§ 5-5 første ledd (25 lines); line 25 = 6 − 14 + 19 − 24."""
    return compute(SPEC_5_5, inputs, years, overview_id="5-5",
                   title_nb="Bevilgningsoversikt investering (§ 5-5 første ledd)",
                   title_en="Investment appropriations (§ 5-5 first paragraph)", notes=notes)


def okonomisk_oversikt_art(inputs: LineInputs, years: Sequence[int],
                           notes: Iterable[str] = ()) -> Overview:
    """§ 5-6 Økonomisk oversikt etter art – drift (30 lines)."""
    return compute(SPEC_5_6, inputs, years, overview_id="5-6",
                   title_nb="Økonomisk oversikt etter art – drift (§ 5-6)",
                   title_en="Financial statement by kind – operations (§ 5-6)", notes=notes)


def budsjettskjema_1a(inputs: LineInputs, years: Sequence[int],
                      notes: Iterable[str] = ()) -> Overview:
    """Budsjettskjema 1A – drift (1992 regime); line 22 is the total of 1B."""
    return compute(SPEC_1A, inputs, years, overview_id="1A",
                   title_nb="Budsjettskjema 1A – drift",
                   title_en="Budget schedule 1A – operations", notes=notes)


def budsjettskjema_2a(inputs: LineInputs, years: Sequence[int],
                      notes: Iterable[str] = ()) -> Overview:
    """Budsjettskjema 2A – investering (1992 regime); line 1 is the total of 2B."""
    return compute(SPEC_2A, inputs, years, overview_id="2A",
                   title_nb="Budsjettskjema 2A – investering",
                   title_en="Budget schedule 2A – investment", notes=notes)


def okonomisk_oversikt_drift_1992(inputs: LineInputs, years: Sequence[int],
                                  notes: Iterable[str] = ()) -> Overview:
    """Økonomisk oversikt drift (regnskapsforskriften, 1992 regime): the gross and net
    operating result that 1A does not show, and the disposition of the result (interne
    finanstransaksjoner) down to the regnskapsmessige mer/mindreforbruk, which is 0 in a
    balanced budget."""
    return compute(SPEC_OKO_1992, inputs, years, overview_id="okonomisk-oversikt-drift",
                   title_nb="Økonomisk oversikt drift", title_en="Financial statement – "
                   "operations", notes=notes)


@dataclass(frozen=True)
class AllocationRow:
    """A row of an allocation overview (1B, 2B, second ledd): a sector, a programområde or
    a project. ``indent`` 1 for a programområde under its sector heading."""

    number: str
    nb: str
    values: Any
    en: str | None = None
    indent: int = 0
    heading: bool = False


def allocation(rows: Sequence[AllocationRow], years: Sequence[int], *, overview_id: str,
               title_nb: str, title_en: str, total_nb: str, total_en: str,
               notes: Iterable[str] = ()) -> Overview:
    """An overview by the kommunestyre's own bevilgningsnivå: 1B, 2B and the second ledd of
    § 5-4 and § 5-5. The total is the sum of the non-heading rows."""
    n = len(years)
    lines = []
    total = np.zeros(n)
    for r in rows:
        if r.heading:
            v = _vector(r.values, n, f"{overview_id} {r.nb}") if r.values is not None \
                else np.full(n, np.nan)
            lines.append(Line(r.number, r.nb, r.en or r.nb, v, heading=True, indent=r.indent))
            continue
        v = _vector(r.values, n, f"{overview_id} {r.nb}")
        total = total + v
        lines.append(Line(r.number, r.nb, r.en or r.nb, v, indent=r.indent))
    lines.append(Line("", total_nb, total_en, total, total=True))
    return Overview(overview_id, title_nb, title_en, tuple(int(y) for y in years),
                    tuple(lines), tuple(notes))
