"""An accounting export by KOSTRA art and funksjon, read into a follow-up report.

Most ERP systems can export the ledger (hovedbok) with each line's KOSTRA **art** (kind of
income or expense) and **funksjon** (service purpose) and its amount (domain.md §7.1). A
mapping file says which programområde each funksjon belongs to; the plan's frames are gross
operating expenses by programområde and its income lines are separate, so:

- expense arts 010–480 on a mapped funksjon add to that programområde's ``actual``, except
  the internal purchases (art 290), VAT (429) and the finance arts (500–599);
- income arts go to the plan's income lines: 870 skatt → ``tax``, 874 eiendomsskatt →
  ``property_tax``, 800 rammetilskudd → ``block_grant``, 600–699 salgsinntekter → ``fees``,
  700–799 refusjoner → ``other`` (without 729 momskompensasjon and 790 internsalg);
- everything else (finance arts 500–599 and 900–999, internal and VAT arts) is left out and
  counted, and an expense on a funksjon the mapping does not name is reported as not mapped.

Art ranges from domain.md §7.3 (KOSTRA kontoplan, Hole kommune). The export must be signed
as a ledger is: debit positive, credit negative; income therefore comes out negative and is
turned positive here. An export whose income sums to a debit is refused: its signs would be
misread. Amounts are kroner with øre; each line sum is rounded once, to whole kroner.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from muniplan.plan import csvio
from muniplan.plan.actuals import PERIODS, write_report
from muniplan.plan.errors import PlanError
from muniplan.plan.model import Plan

INCOME_ARTS = {"870": "tax", "874": "property_tax", "800": "block_grant"}
EXCLUDED_ARTS = {"290": "internkjøp", "429": "merverdiavgift", "729": "momskompensasjon",
                 "790": "internsalg"}
AMOUNT_COLUMNS = ("belop", "beløp", "amount")
DIGITS = re.compile(r"^\d{3,}$")


@dataclass
class AccountsImport:
    """What an export came to: totals by programområde and income line, and what was
    left out or could not be mapped (by funksjon: kroner and number of lines)."""

    program_areas: dict[str, int] = field(default_factory=dict)
    income: dict[str, int] = field(default_factory=dict)
    unmapped: dict[str, tuple[int, int]] = field(default_factory=dict)
    left_out: dict[str, tuple[int, int]] = field(default_factory=dict)
    lines: int = 0

    def report_text(self, year: int, period: str, scale: int, source: str) -> str:
        """The follow-up report file (``YYYY-PERIOD.csv``) these totals make."""
        rows = [("program_area", k, "actual", _scaled(v, scale), "", source)
                for k, v in sorted(self.program_areas.items())]
        rows += [("income", k, "actual", _scaled(v, scale), "", source)
                 for k, v in sorted(self.income.items())]
        return write_report(rows, year, period)


def read_mapping(name: str, text: str, plan: Plan) -> dict[str, str]:
    """``funksjon,program_area`` rows: which programområde each funksjon belongs to."""
    _, reader = csvio.reader(text)
    header = [h.strip().lower() for h in next(reader, [])]  # type: ignore[call-overload]
    for col in ("funksjon", "program_area"):
        if col not in header:
            raise PlanError(f"missing column {col!r}", file=name, line=1, field=col,
                            expected="funksjon,program_area", found=",".join(header))
    areas = plan.program_area_ids()
    mapping: dict[str, str] = {}
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        row = dict(zip(header, (v.strip() for v in values), strict=False))
        line = reader.line_num  # type: ignore[attr-defined]
        fn, area = row.get("funksjon", ""), row.get("program_area", "")
        if not re.fullmatch(r"\d{3}", fn):
            raise PlanError("not a KOSTRA funksjon", file=name, line=line, field="funksjon",
                            expected="three digits such as 202", found=fn)
        if area not in areas:
            raise PlanError("no programområde with this id in the plan", file=name,
                            line=line, field="program_area",
                            expected=", ".join(sorted(areas)[:6]) + " …", found=area)
        if fn in mapping:
            raise PlanError("funksjon mapped twice", file=name, line=line, field="funksjon",
                            expected="each funksjon once", found=fn)
        mapping[fn] = area
    if not mapping:
        raise PlanError("the mapping is empty", file=name, line=1,
                        expected="one funksjon,program_area row or more")
    return mapping


def read_export(name: str, text: str, mapping: dict[str, str]) -> AccountsImport:
    """Sum an accounting export (``art``, ``funksjon``, amount columns) through ``mapping``."""
    _, reader = csvio.reader(text)
    header = [h.strip().lower() for h in next(reader, [])]  # type: ignore[call-overload]
    amount_col = next((c for c in AMOUNT_COLUMNS if c in header), None)
    for col in ("art", "funksjon", amount_col):
        if col is None or col not in header:
            raise PlanError(f"missing column {col or 'beløp'!r}", file=name, line=1,
                            field=col or "beløp", expected="art, funksjon and beløp columns",
                            found=",".join(header))
    sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    result = AccountsImport()
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        line = reader.line_num  # type: ignore[attr-defined]
        if len(values) != len(header):
            raise PlanError(f"row has {len(values)} fields, the header has {len(header)}",
                            file=name, line=line, expected=f"{len(header)} fields",
                            found=len(values))
        row = dict(zip(header, (v.strip() for v in values), strict=True))
        art, fn = _code(name, line, "art", row["art"]), _code(name, line, "funksjon",
                                                             row["funksjon"])
        key = _classify(art, fn, mapping)
        sums[key] += _amount(name, line, amount_col, row[amount_col])
        counts[key] += 1
        result.lines += 1
    income_total = sum(v for (kind, _), v in sums.items() if kind == "income")
    if income_total > 0:
        raise PlanError("the income arts sum to a debit", file=name, field=amount_col,
                        expected="a ledger's signs: debit positive, credit (income) negative",
                        found=f"{income_total} kr")
    for (kind, target), amount in sorted(sums.items()):
        kroner = int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        if kind == "area":
            result.program_areas[target] = result.program_areas.get(target, 0) + kroner
        elif kind == "income":
            result.income[target] = result.income.get(target, 0) - kroner
        elif kind == "unmapped":
            result.unmapped[target] = (kroner, counts[(kind, target)])
        else:
            result.left_out[target] = (kroner, counts[(kind, target)])
    return result


def _classify(art: str, fn: str, mapping: dict[str, str]) -> tuple[str, str]:
    """(``area`` | ``income`` | ``unmapped`` | ``left_out``, what it adds to)."""
    if art in EXCLUDED_ARTS:
        return "left_out", f"art {art} {EXCLUDED_ARTS[art]}"
    if art in INCOME_ARTS:
        return "income", INCOME_ARTS[art]
    n = int(art)
    if 600 <= n <= 699:
        return "income", "fees"
    if 700 <= n <= 799:
        return "income", "other"
    if 10 <= n <= 480:
        if fn in mapping:
            return "area", mapping[fn]
        return "unmapped", f"funksjon {fn}"
    return "left_out", f"art {art[0]}xx (finans, avsetninger, overføringer)"


def _code(name: str, line: int, col: str, text: str) -> str:
    if not DIGITS.match(text):
        raise PlanError(f"not a KOSTRA {col}", file=name, line=line, field=col,
                        expected="digits, the first three the KOSTRA code (e.g. 010 or 202)",
                        found=text)
    return text[:3]


def _amount(name: str, line: int, col: str, text: str) -> Decimal:
    csvio.check_amount(text, name, line, col)
    t = text.replace(" ", "").replace("\u00a0", "")
    if "," in t:
        if "." in t:
            raise PlanError("an amount with both . and , could be misread", file=name,
                            line=line, field=col, expected="1234567,89 or 1234567.89",
                            found=text)
        t = t.replace(",", ".")
    try:
        value = Decimal(t)
    except InvalidOperation:
        raise PlanError("not an amount", file=name, line=line, field=col,
                        expected="kroner such as -1234,50", found=text) from None
    if not value.is_finite() or abs(value) > Decimal(10) ** 13:
        raise PlanError("not a plausible amount", file=name, line=line, field=col,
                        expected="kroner under 10 000 000 000 000", found=text)
    return value


def _scaled(kroner: int, scale: int) -> str:
    """Whole kroner written in the plan's scale, exactly (812345678 kr → 812345.678)."""
    return format(Decimal(kroner) / Decimal(scale), "f")


def check_period(period: str) -> str:
    if period not in PERIODS:
        raise PlanError("unknown period", field="--period", expected=" | ".join(PERIODS),
                        found=period)
    return period
