"""Load and validate a plan folder, with errors that say where.

A plan folder (DESIGN.md, "The plan")::

    plan.yaml          municipality, period, base year, horizon, law regime, scale,
                       sources, assumptions, income, opening balances, finance policy,
                       strategies, rules, services
    sectors.csv        one row per programområde: frame per year
    investments.csv    one row per project: category, sector, financing, cost per year
    priorities.yaml    priority areas with measures and targets
    population/        optional: base population and rates (see muniplan.plan.population)

Every amount is written in the folder's ``amount_scale`` (usually 1000 kr) and converted here
to whole kroner, exactly. Any problem raises :class:`PlanError` naming the file, the line or
row, the field, what was expected and what was found. Nothing is ever written.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from muniplan.plan import csvio, traps
from muniplan.plan.errors import PlanError
from muniplan.plan.frames import check_frames, frame_basis
from muniplan.plan.model import RATIO_INDICATORS, FieldError, Investment, Plan, ProgramArea
from muniplan.plan.money import MoneyError, to_kroner
from muniplan.plan.parameters import PlanIds, parameter_unit
from muniplan.plan.population import load_population_folder
from muniplan.plan.yamlio import Path_, dotted, line_of, load_yaml

EXAMPLES_DIR = Path(__file__).parent / "examples"
DEFAULT_PLAN = "baerum-2018-2021"
PLAN_FILES = ("plan.yaml", "sectors.csv", "investments.csv", "priorities.yaml")
YEAR_COLUMN = re.compile(r"^(19|20|21)\d\d$")

SECTOR_COLUMNS = ("sector_id", "sector_name", "program_area_id", "program_area_name")
SECTOR_OPTIONAL = ("program_area_number", "frame_basis", "fees", "refunds")
INVESTMENT_COLUMNS = (
    "id", "name", "category", "sector", "completion_year", "useful_life",
)
INVESTMENT_OPTIONAL = (
    "program_area", "vat_compensation", "grants", "sales", "loan", "rentable",
    "operating_consequences", "program_area_number", "cost_recovery",
)


def example_names() -> list[str]:
    """The built-in example plans."""
    return sorted(p.name for p in EXAMPLES_DIR.iterdir() if (p / "plan.yaml").is_file())


def resolve(plan: str | Path | None) -> Path:
    """A plan folder from a path or the name of a built-in example (default: Bærum)."""
    if plan is None or str(plan) == "":
        plan = DEFAULT_PLAN
    path = Path(plan)
    if path.is_dir():
        return path
    if str(plan) in example_names():
        return EXAMPLES_DIR / str(plan)
    if path.exists():
        raise PlanError("a plan is a folder, not a file", file=str(path))
    raise PlanError(
        f"no plan folder here and no built-in example of that name "
        f"(examples: {', '.join(example_names())})",
        file=str(path),
    )


def read_folder(path: Path) -> dict[str, str]:
    """The folder's plan files as text, keyed by relative path (population files too).

    ``actuals/`` is left out: follow-up reports are their own records, not the plan's."""
    files: dict[str, str] = {}
    for p in sorted(path.rglob("*")):
        if p.is_file() and p.suffix in {".yaml", ".yml", ".csv", ".md", ".json"}:
            rel = p.relative_to(path).as_posix()
            if rel.startswith("actuals/"):
                continue
            if p.suffix == ".csv":  # as Excel saves it: a BOM, Windows-1252, CRLF
                files[rel] = csvio.decode(p.read_bytes(), str(p)).replace("\r\n", "\n")
                continue
            try:
                files[rel] = p.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise PlanError(
                    "not UTF-8 text", file=str(p), expected="a UTF-8 text file"
                ) from None
    return files


def load_plan(plan: str | Path | None = None) -> Plan:
    """Load and validate the plan folder (or built-in example) ``plan``."""
    path = resolve(plan)
    return load_files(read_folder(path), origin=str(path), folder=path)


def load_files(files: Mapping[str, str], origin: str = ".", folder: Path | None = None
               ) -> Plan:
    """Build a :class:`Plan` from a folder's files held in memory (from disk, the store or
    an Excel workbook), with its population statistics when the folder has them.

    ``folder``: the folder on disk the files were read from, so that errors in the
    population files name their real path; without it they are read from ``files``.
    """
    plan = _Loader(files, origin).load()
    population = None
    if any(name.startswith("population/") for name in files):
        if folder is not None:
            population = load_population_folder(folder / "population", plan.base_year)
        else:
            with tempfile.TemporaryDirectory(prefix="muniplan-") as tmp:
                for name, text in files.items():
                    if name.startswith("population/"):
                        target = Path(tmp) / name
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_text(text, encoding="utf-8")
                population = load_population_folder(Path(tmp) / "population", plan.base_year)
    return plan.model_copy(update={"population": population, "digest": digest(files)})


def unknown_columns(plan: str | Path | None) -> list[str]:
    """The columns of the plan's CSV files that are neither known nor notes (kommentar,
    merknad, note): read by nobody, so perhaps a misspelt name."""
    path = resolve(plan)
    loader = _Loader(read_folder(path), str(path))
    loader.load()
    return loader.unknown


def digest(files: Mapping[str, str]) -> str:
    """SHA-256 over the folder's files (names and contents), independent of their order."""
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode() + b"\0" + files[name].encode("utf-8") + b"\0")
    return h.hexdigest()


class _Loader:
    def __init__(self, files: Mapping[str, str], origin: str) -> None:
        self.files = files
        self.origin = origin.rstrip("/")
        self.locations: dict[tuple[str, ...], tuple[str, int | None]] = {}
        self.unknown: list[str] = []

    def fname(self, name: str) -> str:
        return f"{self.origin}/{name}" if self.origin not in ("", ".") else name

    def text(self, name: str, required: bool = True) -> str | None:
        if name not in self.files:
            if required:
                raise PlanError(
                    "file missing from the plan folder", file=self.fname(name),
                    expected=f"the plan files {', '.join(PLAN_FILES)}",
                )
            return None
        return self.files[name]

    # --- plan.yaml ---------------------------------------------------------------------
    def load(self) -> Plan:
        raw, lines = load_yaml(self.text("plan.yaml") or "", self.fname("plan.yaml"))
        if not isinstance(raw, dict):
            raise PlanError(
                "plan.yaml must be a mapping of keys", file=self.fname("plan.yaml"), line=1,
                expected="keys such as id, municipality, period", found=type(raw).__name__,
            )
        for key in ("sectors", "investments", "priority_areas"):
            if key in raw:
                raise PlanError(
                    f"{key} belong in their own file, not in plan.yaml",
                    file=self.fname("plan.yaml"), line=line_of(lines, (key,)), field=key,
                    expected={"sectors": "sectors.csv", "investments": "investments.csv",
                              "priority_areas": "priorities.yaml"}[key],
                )
        scale = raw.get("amount_scale")
        if scale not in (1, 1000, 1_000_000):
            raise PlanError(
                "unknown amount scale", file=self.fname("plan.yaml"),
                line=line_of(lines, ("amount_scale",)), field="amount_scale",
                expected="1, 1000 or 1000000 (kroner per unit written)", found=scale,
            )
        self.scale = int(scale)
        raw = dict(raw)
        if isinstance(raw.get("price_basis"), str):
            raw["price_basis"] = _price_basis(raw["price_basis"], self.fname("plan.yaml"),
                                              line_of(lines, ("price_basis",)))
        self._scale_yaml(raw, lines, "plan.yaml", _PLAN_MONEY)
        rules = raw.get("rules")
        for i, rule in enumerate(rules if isinstance(rules, list) else []):
            # fund limits are amounts in the file's scale; ratio limits are fractions
            if isinstance(rule, dict) and isinstance(rule.get("indicator"), str) \
                    and rule["indicator"] not in RATIO_INDICATORS:
                self._scale_yaml(raw, lines, "plan.yaml", [("rules", str(i), "limit")])

        sectors = self._sectors()
        investments = self._investments()
        pr_raw, pr_lines = self._priorities()
        sc_raw, sc_lines = self._scenarios(raw, sectors, investments)
        ch_raw, ch_lines = self._scenarios(raw, sectors, investments, "changes.yaml",
                                           "changes")

        data = {**raw, "sectors": sectors, "investments": investments,
                "priority_areas": pr_raw, "scenarios": sc_raw, "changes": ch_raw}
        try:
            plan = Plan.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]["loc"]
            if first and first[0] in ("scenarios", "changes"):
                err = exc.errors()[0]
                loc = tuple(first)
                name, found_lines = (("scenarios.yaml", sc_lines) if first[0] == "scenarios"
                                     else ("changes.yaml", ch_lines))
                raise PlanError(_clean(err["msg"]), file=self.fname(name),
                                line=line_of(found_lines, loc), field=dotted(loc),
                                found=_found(err.get("input"))) from None
            raise self._located(exc, lines, pr_lines) from None
        self._check_references(plan, lines, pr_lines)
        return plan

    def _scale_yaml(self, raw: Any, lines: dict[Path_, int], name: str,
                    patterns: Iterable[tuple[str, ...]]) -> None:
        for pattern in patterns:
            for path, parent, key in _match(raw, pattern):
                value = parent[key]
                if value is None:
                    continue
                traps.check_yaml_amount(self.text(name) or "", line_of(lines, path),
                                        self.fname(name), dotted(path), value)
                try:
                    parent[key] = to_kroner(value, self.scale)
                except MoneyError as exc:
                    raise PlanError(
                        str(exc), file=self.fname(name), line=line_of(lines, path),
                        field=dotted(path), expected=f"an amount in units of {self.scale} kr",
                        found=value,
                    ) from None

    # --- sectors.csv -------------------------------------------------------------------
    def _sectors(self) -> list[dict[str, Any]]:
        name = "sectors.csv"
        rows, years = self._csv(name, SECTOR_COLUMNS, SECTOR_OPTIONAL)
        sectors: dict[str, dict[str, Any]] = {}
        seen: dict[str, int] = {}
        for line, row in rows:
            pa = row["program_area_id"]
            self._first_time(seen, pa, name, line, "program_area_id", "programområde")
            frame = {y: self._amount(name, line, str(y), row[str(y)], minimum=0) for y in years
                     if row[str(y)] != ""}
            area = {"id": pa, "name": row["program_area_name"],
                    "number": row.get("program_area_number") or None,
                    "operating_frame": frame, **self._provenance(name, line, row)}
            basis = frame_basis(row.get("frame_basis", ""), self.fname(name), line)
            if basis is not None:
                area["frame_basis"] = basis
            for key in ("fees", "refunds"):
                if row.get(key, "") != "":
                    area[key] = self._amount(name, line, key, row[key], minimum=0)
            sid = row["sector_id"]
            if sid not in sectors:
                sectors[sid] = {"id": sid, "name": row["sector_name"], "program_areas": []}
                self.locations[("sector", sid)] = (name, line)
            elif sectors[sid]["name"] != row["sector_name"]:
                raise PlanError(
                    "sector has two names", file=self.fname(name), line=line,
                    field="sector_name", expected=sectors[sid]["name"],
                    found=row["sector_name"],
                )
            sectors[sid]["program_areas"].append(area)
            self.locations[("program_area", pa)] = (name, line)
            self._validate_row(name, line, area, ProgramArea.model_validate)
        if not sectors:
            raise PlanError("no sectors", file=self.fname(name), line=2,
                            expected="at least one programområde row")
        return list(sectors.values())

    # --- investments.csv ---------------------------------------------------------------
    def _investments(self) -> list[dict[str, Any]]:
        name = "investments.csv"
        rows, years = self._csv(name, INVESTMENT_COLUMNS, INVESTMENT_OPTIONAL)
        out = []
        seen: dict[str, int] = {}
        for line, row in rows:
            iid = row["id"]
            self._first_time(seen, iid, name, line, "id", "project")
            cost = {y: self._amount(name, line, str(y), row[str(y)], minimum=0) for y in years
                    if row[str(y)] != ""}
            item: dict[str, Any] = {
                "id": iid, "name": row["name"], "category": row["category"],
                "sector": row["sector"], "program_area": row.get("program_area") or None,
                "cost": cost,
                "completion_year": self._int(name, line, "completion_year",
                                             row["completion_year"]),
                "useful_life": self._int(name, line, "useful_life", row["useful_life"]),
                **self._provenance(name, line, row),
            }
            for key in ("vat_compensation", "grants", "sales", "loan"):
                if row.get(key, "") != "":
                    item[key] = self._float(name, line, key, row[key])
            if row.get("rentable", "") != "":
                item["rentable"] = self._bool(name, line, "rentable", row["rentable"])
            if row.get("cost_recovery", "") != "":
                item["cost_recovery"] = row["cost_recovery"]
            if row.get("operating_consequences", "") != "":
                item["operating_consequences"] = self._amount(
                    name, line, "operating_consequences", row["operating_consequences"])
            if not cost:
                raise PlanError("a project without any cost", file=self.fname(name),
                                line=line, field="cost", expected="a cost in at least one year")
            self._validate_row(name, line, item, Investment.model_validate)
            self.locations[("investment", iid)] = (name, line)
            out.append(item)
        return out

    def _optional_list(self, name: str, key: str, expected: str
                       ) -> tuple[dict[str, Any] | None, dict[Path_, int]]:
        """An optional YAML file that holds one list under ``key``; None if absent or
        empty."""
        text = self.text(name, required=False)
        if text is None:
            return None, {}
        raw, lines = load_yaml(text, self.fname(name))
        if raw is None:
            return None, lines
        if not isinstance(raw, dict) or not isinstance(raw.get(key), list):
            raise PlanError(
                f"{name} holds a list under '{key}'", file=self.fname(name), line=1,
                field=key, expected=expected,
                found=type(raw.get(key) if isinstance(raw, dict) else raw).__name__,
            )
        return raw, lines

    # --- priorities.yaml ---------------------------------------------------------------
    def _priorities(self) -> tuple[list[Any], dict[Path_, int]]:
        name = "priorities.yaml"
        raw, lines = self._optional_list(name, "priority_areas", "a list of priority areas")
        if raw is None:
            return [], lines
        self._scale_yaml(raw, lines, name, [("priority_areas", "*", "measures", "*", "cost", "*")])
        return raw["priority_areas"], lines

    # --- scenarios.yaml -----------------------------------------------------------------
    def _scenarios(self, raw_plan: dict[str, Any], sectors: list[dict[str, Any]],
                   investments: list[dict[str, Any]], name: str = "scenarios.yaml",
                   key: str = "scenarios") -> tuple[list[Any], dict[Path_, int]]:
        """scenarios.yaml, or changes.yaml (the same shape: a list of scenarios)."""
        raw, lines = self._optional_list(name, key, "a list of scenarios")
        if raw is None:
            return [], lines
        services = raw_plan.get("services")
        service_ids = PlanIds(
            services=frozenset(str(s.get("id")) for s in (
                services if isinstance(services, list) else []) if isinstance(s, dict)),
            sectors=frozenset(str(s["id"]) for s in sectors),
            program_areas=frozenset(str(a["id"]) for s in sectors for a in s["program_areas"]),
            investments=frozenset(str(i.get("id")) for i in investments),
        )
        for i, sc in enumerate(raw[key]):
            if not isinstance(sc, dict):
                continue
            for j, ov in enumerate(sc.get("overrides") or []):
                if not isinstance(ov, dict):
                    continue
                path = (key, i, "overrides", j)
                try:
                    unit = parameter_unit(str(ov.get("parameter")), service_ids)
                except PlanError as exc:
                    raise PlanError(exc.message, file=self.fname(name),
                                    line=line_of(lines, (*path, "parameter")),
                                    field=dotted((*path, "parameter")), expected=exc.expected,
                                    found=exc.found) from None
                if unit == "kroner" and ov.get("op", "set") != "scale":
                    self._scale_yaml(raw, lines, name, [
                        (key, str(i), "overrides", str(j), "value"),
                        (key, str(i), "overrides", str(j), "ramp", "*"),
                    ])
        return raw[key], lines

    # --- CSV helpers -------------------------------------------------------------------
    def _first_time(self, seen: dict[str, int], key: str, name: str, line: int, field: str,
                    what: str) -> None:
        """Record ``key`` at ``line``; a second row with the same id is an error."""
        if key in seen:
            raise PlanError(f"duplicate {what} id (first on line {seen[key]})",
                            file=self.fname(name), line=line, field=field,
                            expected="a unique id", found=key)
        seen[key] = line

    def _csv(self, name: str, required: tuple[str, ...], optional: tuple[str, ...]
             ) -> tuple[list[tuple[int, dict[str, str]]], list[int]]:
        text = self.text(name) or ""
        sep, reader = csvio.reader(text)
        try:
            header = next(reader)
        except StopIteration:
            raise PlanError("empty file", file=self.fname(name), line=1, field="header",
                            expected=f"a header with {', '.join(required)}") from None
        header = [h.strip() for h in header]
        for col in required:
            if col not in header:
                raise PlanError(
                    f"missing column {col!r}"
                    + csvio.did_you_mean(col, [h for h in header if h not in required]),
                    file=self.fname(name), line=1, field=col,
                    expected=", ".join(required), found=",".join(header),
                )
        if "source" not in header and "assumption" not in header:
            raise PlanError(
                "missing provenance columns", file=self.fname(name), line=1,
                field="source", expected="a 'source' and/or 'assumption' column",
                found=",".join(header),
            )
        dupes = {h for h in header if header.count(h) > 1}
        if dupes:
            raise PlanError("duplicate column", file=self.fname(name), line=1,
                            field=sorted(dupes)[0], expected="each column once")
        known = set(required) | set(optional) | {"source", "assumption"}
        years = []
        for h in header:
            if YEAR_COLUMN.match(h):
                years.append(int(h))
            elif h not in known and h.lower() not in csvio.COMMENT_COLUMNS:
                # kept in the file, unread; validate warns (see unknown_columns)
                self.unknown.append(f"{self.fname(name)}:1: unknown column {h!r}, not read"
                                    + csvio.did_you_mean(h, known))
        rows = []
        ident = "program_area_id" if "program_area_id" in header else "id"
        texts = [c for c in required if c != ident and not c.endswith("_year")]
        sums = []
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                # too few: the first column without a value; too many: after the last one
                field = header[len(values)] if len(values) < len(header) else header[-1]
                raise PlanError(
                    f"row has {len(values)} fields, the header has {len(header)}",
                    file=self.fname(name), line=line, field=field,
                    expected=f"{len(header)} fields separated by {csvio.SEP_NAMES[sep]} (a "
                    f"text with {csvio.SEP_NAMES[sep]} needs quotes)", found=len(values),
                )
            row = {h: v.strip() for h, v in zip(header, values, strict=True)}
            if csvio.is_sum_row(row, ident, texts):
                sums.append((line, row))
                continue
            rows.append((line, row))
        for line, row in sums:
            self._check_sum(name, line, row, rows, years)
        return rows, years

    def _check_sum(self, name: str, line: int, total: dict[str, str],
                   rows: list[tuple[int, dict[str, str]]], years: list[int]) -> None:
        """A sum row is skipped, but only if it sums the rows: otherwise a row is missing,
        doubled or misread."""
        for y in years:
            given = total.get(str(y), "")
            if given == "":
                continue
            want = sum(self._amount(name, r_line, str(y), r[str(y)]) for r_line, r in rows
                       if r.get(str(y), "") != "")
            got = self._amount(name, line, str(y), given)
            if abs(got - want) > len(rows) * self.scale:  # rounding of each row at most
                raise PlanError(
                    "sum row does not match the rows above it", file=self.fname(name),
                    line=line, field=str(y), expected=f"{want / self.scale:.0f} (the sum of "
                    f"{len(rows)} rows), or no sum row", found=given)

    def _provenance(self, name: str, line: int, row: dict[str, str]) -> dict[str, Any]:
        return {"source": row.get("source") or None, "assumption": row.get("assumption") or None}

    def _amount(self, name: str, line: int, field: str, text: str,
                minimum: int | None = None) -> int:
        csvio.check_amount(text, self.fname(name), line, field)
        try:
            value = to_kroner(text, self.scale)
        except MoneyError:
            raise PlanError(
                "not an amount", file=self.fname(name), line=line, field=field,
                expected=f"a number in units of {self.scale} kr", found=text,
            ) from None
        if minimum is not None and value < minimum:
            raise PlanError("negative amount", file=self.fname(name), line=line, field=field,
                            expected=f"an amount ≥ {minimum}", found=text)
        return value

    def _int(self, name: str, line: int, field: str, text: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise PlanError("not a whole number", file=self.fname(name), line=line,
                            field=field, expected="a whole number", found=text) from None

    def _float(self, name: str, line: int, field: str, text: str) -> float:
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            raise PlanError("not a number", file=self.fname(name), line=line, field=field,
                            expected="a fraction such as 0.2", found=text) from None
        if value != value or value in (float("inf"), float("-inf")):
            raise PlanError("not a finite number", file=self.fname(name), line=line,
                            field=field, expected="a fraction such as 0.2", found=text)
        return value

    def _bool(self, name: str, line: int, field: str, text: str) -> bool:
        t = text.lower()
        if t in ("true", "yes", "ja", "1"):
            return True
        if t in ("false", "no", "nei", "0"):
            return False
        raise PlanError("not true or false", file=self.fname(name), line=line, field=field,
                        expected="true or false", found=text)

    def _validate_row(self, name: str, line: int, data: dict[str, Any],
                      validate: Callable[[dict[str, Any]], Any]) -> None:
        try:
            validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = [str(p) for p in err["loc"] if str(p) not in ("function-after",)]
            found = _found(err.get("input")) if loc else None
            located = _field_error(err)
            if located is not None:
                loc, found = [*loc, located.field], located.found
            field = ".".join(loc) if loc else None
            raise PlanError(
                _clean(err["msg"]), file=self.fname(name), line=line, field=field, found=found,
            ) from None

    # --- errors from the whole model ---------------------------------------------------
    def _located(self, exc: ValidationError, lines: dict[Path_, int],
                 pr_lines: dict[Path_, int]) -> PlanError:
        err = exc.errors()[0]
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
        more = len(exc.errors()) - 1
        msg = _clean(err["msg"]) + (f" (and {more} more problem{'s' * (more > 1)})"
                                    if more else "")
        found = _found(err.get("input")) if err["type"] not in ("missing",) else None
        if err["type"] == "missing":
            msg = "required field missing"
        msg += traps.hint(err["type"], loc, err.get("input"))
        located = _field_error(err)
        if located is not None:
            loc, found = (*loc, located.field), located.found
        if loc and loc[0] == "priority_areas":
            return PlanError(msg, file=self.fname("priorities.yaml"),
                             line=line_of(pr_lines, loc), field=dotted(loc), found=found)
        if loc and loc[0] in ("sectors", "investments"):
            # rows were validated one by one already; this is a whole-plan problem
            return PlanError(msg, file=self.fname(f"{loc[0]}.csv"), field=dotted(loc),
                             found=found)
        return PlanError(msg, file=self.fname("plan.yaml"), line=line_of(lines, loc),
                         field=dotted(loc) or None, found=found)

    def _check_references(self, plan: Plan, lines: dict[Path_, int],
                          pr_lines: dict[Path_, int]) -> None:
        py = self.fname("plan.yaml")
        pr = self.fname("priorities.yaml")
        sources = plan.source_ids()
        sector_ids = {s.id for s in plan.sectors}
        areas = plan.program_area_ids()
        first, last = plan.period.first, plan.period.last

        def where(kind: str, key: str) -> tuple[str, int | None]:
            f, line = self.locations.get((kind, key), ("", None))
            return self.fname(f), line

        def check_source(src: str | None, file: str, line: int | None, field: str) -> None:
            for one in (src or "").split(";"):
                one = one.strip()
                if one and one not in sources and not one.startswith(("http://", "https://")):
                    raise PlanError(
                        "unknown source" + csvio.did_you_mean(one, sources), file=file,
                        line=line, field=field,
                        expected=f"the id of an entry under 'sources' in plan.yaml "
                        f"({', '.join(sorted(sources))}) or a URL; several ids are "
                        "separated by ';'",
                        found=one,
                    )

        # unique ids in plan.yaml and priorities.yaml
        _unique([s.id for s in plan.sources], "sources", py, lines)
        _unique([r.id for r in plan.rules], "rules", py, lines)
        _unique([s.id for s in plan.strategies], "strategies", py, lines)
        _unique([s.id for s in plan.services], "services", py, lines)
        _unique([f.id for f in plan.opening.funds], ("opening", "funds"), py, lines)
        _unique([p.id for p in plan.priority_areas], "priority_areas", pr, pr_lines)
        for i, area in enumerate(plan.priority_areas):
            _unique([m.id for m in area.measures], ("priority_areas", i, "measures"), pr,
                    pr_lines)
            _unique([t.id for t in area.targets], ("priority_areas", i, "targets"), pr,
                    pr_lines)

        # sources everywhere
        for path, src in _sources_in_yaml(plan):
            check_source(src, py, line_of(lines, path), dotted(path))
        for s in plan.sectors:
            for a in s.program_areas:
                f, line = where("program_area", a.id)
                check_source(a.source, f, line, "source")
                missing = [y for y in plan.period.years if y not in a.operating_frame]
                if missing:
                    raise PlanError(
                        f"no operating frame for {missing[0]}", file=f, line=line,
                        field=str(missing[0]),
                        expected=f"a frame for every plan year {first}–{last}",
                    )
                outside = [y for y in a.operating_frame if not first <= y <= last]
                if outside:
                    raise PlanError(
                        f"frame for {outside[0]}, outside the plan period", file=f, line=line,
                        field=str(outside[0]), expected=f"years {first}–{last}",
                    )
        for inv in plan.investments:
            f, line = where("investment", inv.id)
            check_source(inv.source, f, line, "source")
            if inv.sector not in sector_ids:
                raise PlanError("unknown sector" + csvio.did_you_mean(inv.sector, sector_ids),
                            file=f, line=line, field="sector",
                                expected=f"one of {', '.join(sorted(sector_ids))}",
                                found=inv.sector)
            if inv.program_area and inv.program_area not in areas:
                raise PlanError("unknown programområde"
                            + csvio.did_you_mean(inv.program_area, areas), file=f, line=line,
                                field="program_area", expected="an id from sectors.csv",
                                found=inv.program_area)
            bad = [y for y in inv.cost if not first <= y <= plan.horizon]
            if bad:
                raise PlanError(f"cost in {bad[0]}, outside the projection", file=f, line=line,
                                field=str(bad[0]), expected=f"years {first}–{plan.horizon}")
            if inv.completion_year > plan.horizon:
                raise PlanError("completion after the horizon", file=f, line=line,
                                field="completion_year", expected=f"≤ {plan.horizon}",
                                found=inv.completion_year)
        for i, area in enumerate(plan.priority_areas):
            for j, m in enumerate(area.measures):
                path = ("priority_areas", i, "measures", j)
                check_source(m.source, pr, line_of(pr_lines, (*path, "source")),
                             dotted((*path, "source")))
                if m.sector and m.sector not in sector_ids:
                    raise PlanError("unknown sector" + csvio.did_you_mean(m.sector, sector_ids),
                                    file=pr,
                                    line=line_of(pr_lines, (*path, "sector")),
                                    field=dotted((*path, "sector")),
                                    expected=f"one of {', '.join(sorted(sector_ids))}",
                                    found=m.sector)
                bad = [y for y in m.cost if not first <= y <= plan.horizon]
                if bad:
                    raise PlanError(f"cost in {bad[0]}, outside the projection", file=pr,
                                    line=line_of(pr_lines, (*path, "cost", bad[0])),
                                    field=dotted((*path, "cost", bad[0])),
                                    expected=f"years {first}–{plan.horizon}")
            for j, t in enumerate(area.targets):
                path = ("priority_areas", i, "targets", j)
                check_source(t.source, pr, line_of(pr_lines, (*path, "source")),
                             dotted((*path, "source")))
        for i, svc in enumerate(plan.services):
            for a in svc.program_areas:
                if a not in areas:
                    path = ("services", i, "program_areas")
                    raise PlanError("unknown programområde" + csvio.did_you_mean(a, areas),
                                    file=py,
                                    line=line_of(lines, path), field=dotted(path),
                                    expected="an id from sectors.csv", found=a)
            if svc.unit_cost is None and not svc.program_areas:
                path = ("services", i)
                raise PlanError(
                    "a service needs a unit_cost or program_areas to calibrate it from",
                    file=py, line=line_of(lines, path), field=dotted(path),
                )
            if svc.strategy and svc.strategy not in {s.id for s in plan.strategies}:
                path = ("services", i, "strategy")
                raise PlanError("unknown strategy", file=py, line=line_of(lines, path),
                                field=dotted(path), found=svc.strategy)
        _unique([lt.id for lt in plan.long_term_investments], "long_term_investments", py, lines)
        for i, lt in enumerate(plan.long_term_investments):
            if lt.first <= plan.period.last or lt.last > plan.horizon:
                path = ("long_term_investments", i)
                raise PlanError(
                    "long-term investments lie after the plan period and within the horizon",
                    file=py, line=line_of(lines, path), field=dotted(path),
                    expected=f"years {plan.period.last + 1}–{plan.horizon}",
                    found=f"{lt.first}–{lt.last}",
                )
        funds = {f.id for f in plan.opening.funds}
        if plan.finance.reserve_fund not in funds:
            path = ("finance", "reserve_fund")
            raise PlanError("unknown fund"
                            + csvio.did_you_mean(plan.finance.reserve_fund, funds),
                            file=py, line=line_of(lines, path),
                            field=dotted(path), expected=f"one of {', '.join(sorted(funds))}",
                            found=plan.finance.reserve_fund)
        self._check_finance_policy(plan, py, lines)
        check_frames(plan, lambda area: where("program_area", area), py, lines)
        # assumptions must reach every projected year
        for name, series in plan.assumptions:
            if series is None:
                continue
            gap = series.covers(plan.period.first, plan.horizon)
            if gap is not None:
                path = ("assumptions", name)
                raise PlanError(
                    f"no value for {gap}", file=py, line=line_of(lines, path),
                    field=dotted(path),
                    expected=f"values for {plan.period.first}–{plan.horizon}, "
                    "or 'extend: hold'",
                )

    def _check_finance_policy(self, plan: Plan, py: str, lines: dict[Path_, int]) -> None:
        """The fund return names a managed fund and a fund for the difference; the fund
        return's and the equalisation's series reach every projected year."""
        roles = {f.id: f.role for f in plan.opening.funds}
        fr = plan.finance.fund_return
        series: list[tuple[Path_, Any]] = []
        if fr is not None:
            for key, want in (("fund", "managed"), ("buffer_fund", None)):
                fid = getattr(fr, key)
                if fid not in roles or (want and roles[fid] != want):
                    path = ("finance", "fund_return", key)
                    ok = sorted(f for f, r in roles.items() if want is None or r == want)
                    raise PlanError(
                        "unknown fund" if fid not in roles else "not a managed fund",
                        file=py, line=line_of(lines, path), field=dotted(path),
                        expected=f"one of {', '.join(ok)}" if ok else
                        "a fund in opening.funds with role: managed", found=fid)
            series.append((("finance", "fund_return", "expected_real_return"),
                           fr.expected_real_return))
        eq = plan.finance.income_equalisation
        if eq is not None:
            series += [(("finance", "income_equalisation", k), getattr(eq, k))
                       for k in ("compensation", "extra_compensation", "threshold")]
        for path, s in series:
            gap = s.covers(plan.period.first, plan.horizon)
            if gap is not None:
                raise PlanError(
                    f"no value for {gap}", file=py, line=line_of(lines, path),
                    field=dotted(path), expected=f"values for {plan.period.first}–"
                    f"{plan.horizon}, or 'extend: hold'")

# --- module helpers ---------------------------------------------------------------------

_PLAN_MONEY: tuple[tuple[str, ...], ...] = (
    ("income", "*", "amount"),
    ("opening", "debt", "value"),
    ("opening", "depreciable_assets", "value"),
    ("opening", "depreciation", "value"),
    ("opening", "funds", "*", "amount"),
    ("services", "*", "unit_cost"),
    ("finance", "extra_instalments", "value"),
    ("assumptions", "financial_income", "values", "*"),
    ("long_term_investments", "*", "amount"),
    ("finance", "property_tax", "housing_base", "value"),
    ("finance", "property_tax", "other_base", "value"),
)


def _match(data: Any, pattern: tuple[str, ...], path: Path_ = ()
           ) -> Iterable[tuple[Path_, Any, Any]]:
    """Yield (path, parent, key) for every place ``pattern`` ('*' = any key) reaches."""
    if not pattern:
        return
    head, rest = pattern[0], pattern[1:]
    if isinstance(data, dict):
        keys = list(data) if head == "*" else ([head] if head in data else [])
    elif isinstance(data, list):
        if head == "*":
            keys = list(range(len(data)))
        else:
            keys = [int(head)] if head.isdigit() and int(head) < len(data) else []
    else:
        return
    for k in keys:
        if not rest:
            yield (*path, k), data, k
        else:
            yield from _match(data[k], rest, (*path, k))


def _price_basis(text: str, file: str, line: int | None) -> dict[str, Any]:
    parts = text.split()
    if parts == ["nominal"]:
        return {"kind": "nominal"}
    if len(parts) == 2 and parts[0] == "fixed" and parts[1].isdigit():
        return {"kind": "fixed", "year": int(parts[1])}
    raise PlanError("unknown price basis", file=file, line=line, field="price_basis",
                    expected="'fixed YEAR' (faste kroner) or 'nominal'", found=text)


def _unique(ids: list[str], path: Any, file: str, lines: dict[Path_, int]) -> None:
    base = path if isinstance(path, tuple) else (path,)
    seen: dict[str, int] = {}
    for i, x in enumerate(ids):
        if x in seen:
            raise PlanError(
                "duplicate id", file=file, line=line_of(lines, (*base, i, "id")),
                field=dotted((*base, i, "id")), expected="a unique id", found=x,
            )
        seen[x] = i


def _sources_in_yaml(plan: Plan) -> Iterable[tuple[Path_, str | None]]:
    for name, series in plan.assumptions:
        if series is not None:
            yield ("assumptions", name, "source"), series.source
    for i, item in enumerate(plan.income):
        yield ("income", i, "source"), item.source
    for key in ("debt", "depreciable_assets", "depreciation", "weighted_remaining_life",
                "weighted_useful_life"):
        if getattr(plan.opening, key) is not None:
            yield ("opening", key, "source"), getattr(plan.opening, key).source
    for i, fund in enumerate(plan.opening.funds):
        yield ("opening", "funds", i, "source"), fund.source
    yield ("finance", "self_financing_share", "source"), plan.finance.self_financing_share.source
    for i, rule in enumerate(plan.rules):
        yield ("rules", i, "source"), rule.source
    for i, strat in enumerate(plan.strategies):
        yield ("strategies", i, "source"), strat.source
    for i, svc in enumerate(plan.services):
        yield ("services", i, "source"), svc.source
    for i, lt in enumerate(plan.long_term_investments):
        yield ("long_term_investments", i, "source"), lt.source


def _field_error(err: Any) -> FieldError | None:
    """The :class:`FieldError` behind a pydantic error, if a whole-object check raised one."""
    cause = (err.get("ctx") or {}).get("error")
    return cause if isinstance(cause, FieldError) else None


def _clean(msg: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    return msg.replace("a valid tuple", "a list")  # tuples in the model, lists in a file


def _found(value: Any) -> Any:
    if isinstance(value, dict | list):
        text = repr(value)
        return text if len(text) <= 80 else text[:77] + "..."
    return value

