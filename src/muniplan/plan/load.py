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
row, the field, what was expected and what was found; where reading can go on, every problem
is collected and raised together (:class:`~muniplan.plan.errors.PlanErrors`). The files and
columns are those of ``plan.format``; the checks across entities are ``plan.references``.
Nothing is ever written.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from muniplan.plan import csvio, partial, traps
from muniplan.plan.errors import PlanError, Problems, kind_of
from muniplan.plan.format import INVESTMENTS, MONEY, REQUIRED_FILES, SECTORS, Table, money_paths
from muniplan.plan.model import RATIO_INDICATORS, FieldError, Investment, Plan, ProgramArea
from muniplan.plan.money import MoneyError, to_kroner
from muniplan.plan.parameters import PlanIds, parameter_unit
from muniplan.plan.population import load_population_folder
from muniplan.plan.references import Where, check_references
from muniplan.plan.tables import BadRow, TableReader
from muniplan.plan.validation_text import explain
from muniplan.plan.yamlio import Path_, dotted, line_of, load_yaml

EXAMPLES_DIR = Path(__file__).parent / "examples"
DEFAULT_PLAN = "baerum-2018-2021"
PLAN_FILES = (*REQUIRED_FILES, "priorities.yaml")


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
        self.locations: dict[tuple[str, str], tuple[str, int | None]] = {}
        self.unknown: list[str] = []
        self.problems = Problems()
        self.unread: partial.Unread = {}
        self.reported: set[Path_] = set()  # values already refused: the model is not asked
        self.scale = 1_000_000  # until plan.yaml says: the most lenient, for the rows' form

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

    # --- the whole folder --------------------------------------------------------------
    def load(self) -> Plan:
        """Read every file and check all it can, collecting the errors; raise them together
        (:class:`PlanErrors`). A bad row is left out and the rest checked on: the references
        of the rows that read, but none to an id that may be on a row that did not
        (``plan.partial``)."""
        raw: dict[str, Any] | None = None
        lines: dict[Path_, int] = {}
        with self.problems.guard():
            raw, lines = self._plan_yaml()
        sectors = self._whole("program_area", self._sectors)
        investments = self._whole("investment", self._investments)
        pr_raw, pr_lines = self._whole("priority_area", self._priorities, ([], {}))
        if raw is None:  # nothing to check the rows against; plan.yaml's error is kept
            self.problems.check()
        assert raw is not None
        sc_raw, sc_lines, ch_raw, ch_lines = [], {}, [], {}
        if all(self.unread.get(k, ()) is not None for k in ("program_area", "investment")):
            # an override names ids of both tables: judged only when both read
            sc_raw, sc_lines = self._whole("scenario", lambda: self._scenarios(
                raw, sectors, investments), ([], {}))
            ch_raw, ch_lines = self._whole("change", lambda: self._scenarios(
                raw, sectors, investments, "changes.yaml", "changes"), ([], {}))
        data = {**raw, "sectors": sectors, "investments": investments,
                "priority_areas": pr_raw, "scenarios": sc_raw, "changes": ch_raw}
        others = {"priority_areas": ("priorities.yaml", pr_lines),
                  "scenarios": ("scenarios.yaml", sc_lines),
                  "changes": ("changes.yaml", ch_lines)}
        renumber: partial.Renumber = {}
        try:
            plan: Plan | None = Plan.model_validate(data)
        except ValidationError as exc:
            self.problems.extend(self._located(exc, lines, others))
            plan = partial.repaired(data, exc, self.unread, renumber)
        if plan is not None:
            where = Where(plan_yaml=self.fname("plan.yaml"),
                          priorities=self.fname("priorities.yaml"), lines=lines,
                          pr_lines=pr_lines, rows=self.locations, unread=self.unread,
                          renumber=renumber)
            self.problems.extend(check_references(plan, where))
        self.problems.check()
        assert plan is not None  # an unrepairable plan had errors, raised above
        return plan

    def _whole(self, kind: str, read: Callable[[], Any], failed: Any = None) -> Any:
        """``read()``; when the file fails as a whole (a missing column, not a list), its
        error is kept, every id of ``kind`` counts as unread, and ``failed`` stands in."""
        try:
            return read()
        except PlanError as exc:
            self.problems.add(exc)
            partial.mark(self.unread, kind, None)
            if kind == "program_area":
                partial.mark(self.unread, "sector", None)
            return [] if failed is None else failed

    # --- plan.yaml ---------------------------------------------------------------------
    def _plan_yaml(self) -> tuple[dict[str, Any], dict[Path_, int]]:
        raw, lines = load_yaml(self.text("plan.yaml") or "", self.fname("plan.yaml"))
        if not isinstance(raw, dict):
            raise PlanError(
                "plan.yaml must be a mapping of keys", file=self.fname("plan.yaml"), line=1,
                expected="keys such as id, municipality, period", found=kind_of(raw),
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
            try:
                raw["price_basis"] = _price_basis(raw["price_basis"],
                                                  self.fname("plan.yaml"),
                                                  line_of(lines, ("price_basis",)))
            except PlanError as exc:
                self.problems.add(exc)
                self.reported.add(("price_basis",))
                raw["price_basis"] = {"kind": "nominal"}  # a stand-in, so the rest is checked
        self._scale_yaml(raw, lines, "plan.yaml", money_paths("plan.yaml"))
        rules = raw.get("rules")
        for i, rule in enumerate(rules if isinstance(rules, list) else []):
            # fund limits are amounts in the file's scale; ratio limits are fractions
            if isinstance(rule, dict) and isinstance(rule.get("indicator"), str) \
                    and rule["indicator"] not in RATIO_INDICATORS:
                self._scale_yaml(raw, lines, "plan.yaml", [("rules", str(i), "limit")])
        return raw, lines

    def _scale_yaml(self, raw: Any, lines: dict[Path_, int], name: str,
                    patterns: Iterable[tuple[str, ...]]) -> None:
        for pattern in patterns:
            for path, parent, key in _match(raw, pattern):
                if parent[key] is not None:
                    try:
                        parent[key] = self._yaml_amount(name, lines, path, parent[key])
                    except PlanError as exc:
                        self.problems.add(exc)
                        self.reported.add(path)
                        parent[key] = 0  # a stand-in, so the rest is checked

    def _yaml_amount(self, name: str, lines: dict[Path_, int], path: Path_,
                     value: Any) -> int:
        traps.check_yaml_amount(self.text(name) or "", line_of(lines, path),
                                self.fname(name), dotted(path), value)
        try:
            return to_kroner(value, self.scale)
        except MoneyError as exc:
            raise PlanError(
                str(exc), file=self.fname(name), line=line_of(lines, path),
                field=dotted(path), expected=f"an amount in units of {self.scale} kr",
                found=value,
            ) from None

    # --- the CSV tables ------------------------------------------------------------------
    def _table(self, table: Table, kind: str, what: str
               ) -> list[tuple[int, dict[str, str], dict[str, Any]]]:
        """The table's rows parsed, each id seen once; bad rows collected and left out."""
        reader = TableReader(table, self.text(table.file) or "", self.fname(table.file),
                             self.scale, self.problems)
        rows = reader.rows()
        self.unknown += reader.unknown
        out = []
        seen: dict[str, int] = {}
        for row in reader.unread:
            self._unread_row(kind, row)
        for line, row in rows:
            key = row[table.id_column]
            with self.problems.guard():
                try:
                    self._first_time(seen, key, table.file, line, table.id_column, what)
                except PlanError:
                    # the second row most likely bears a misspelt id: which is unknown
                    partial.mark(self.unread, kind, None)
                    raise
                self.locations[(kind, key)] = (self.fname(table.file), line)
                try:
                    out.append((line, row, reader.cells(line, row)))
                except BadRow:
                    self._unread_row(kind, row)
                    continue
        return out

    def _unread_row(self, kind: str, row: Mapping[str, str]) -> None:
        """A row left out: the ids it may hold are not judged unknown by the references."""
        if kind == "program_area":
            partial.mark(self.unread, "sector", row.get("sector_id"))
            partial.mark(self.unread, "program_area", row.get("program_area_id"))
        else:
            partial.mark(self.unread, kind, row.get("id"))

    def _sectors(self) -> list[dict[str, Any]]:
        name = SECTORS.file
        sectors: dict[str, dict[str, Any]] = {}
        before = len(self.problems.found)  # errors of other files do not excuse no rows
        for line, row, cells in self._table(SECTORS, "program_area", "programområde"):
            area = {"id": row["program_area_id"], "name": row["program_area_name"],
                    "number": cells.get("program_area_number"),
                    "operating_frame": cells["years"], "source": cells["source"],
                    "assumption": cells["assumption"], "note": cells["note"]}
            area.update({k: cells[k] for k in ("frame_basis", "fees", "refunds")
                         if cells.get(k) not in (None, "")})
            sid = row["sector_id"]
            if sid not in sectors:
                sectors[sid] = {"id": sid, "name": row["sector_name"], "program_areas": []}
            elif sectors[sid]["name"] != row["sector_name"]:
                self.problems.add(PlanError(
                    "sector has two names", file=self.fname(name), line=line,
                    field="sector_name", expected=sectors[sid]["name"],
                    found=row["sector_name"]))
                self._unread_row("program_area", row)
                continue
            try:
                self._validate_row(name, line, area, ProgramArea.model_validate)
                sectors[sid]["program_areas"].append(area)
            except PlanError as exc:
                self.problems.add(exc)
                self._unread_row("program_area", row)
        if not sectors and len(self.problems.found) == before:
            raise PlanError("no sectors", file=self.fname(name), line=2,
                            expected="at least one programområde row")
        return list(sectors.values())

    def _investments(self) -> list[dict[str, Any]]:
        name = INVESTMENTS.file
        out = []
        for line, row, cells in self._table(INVESTMENTS, "investment", "project"):
            item = {k: v for k, v in cells.items() if k != "years"}
            item["cost"] = cells["years"]
            try:
                if not item["cost"]:
                    raise PlanError(
                        "a project without any cost", file=self.fname(name), line=line,
                        field="cost", expected="a cost in at least one year")
                self._validate_row(name, line, item, Investment.model_validate)
                out.append(item)
            except PlanError as exc:
                self.problems.add(exc)
                self._unread_row("investment", row)
        return out

    def _first_time(self, seen: dict[str, int], key: str, name: str, line: int, field: str,
                    what: str) -> None:
        """Record ``key`` at ``line``; a second row with the same id is an error."""
        if key in seen:
            raise PlanError(f"duplicate {what} id (first on line {seen[key]})",
                            file=self.fname(name), line=line, field=field,
                            expected="a unique id", found=key)
        seen[key] = line

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
            message, expected = explain(err)
            raise PlanError(message, file=self.fname(name), line=line, field=field,
                            expected=expected, found=found) from None

    # --- the YAML files beside plan.yaml ------------------------------------------------
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
                found=kind_of(raw.get(key) if isinstance(raw, dict) else raw),
            )
        return raw, lines

    def _priorities(self) -> tuple[list[Any], dict[Path_, int]]:
        name = "priorities.yaml"
        raw, lines = self._optional_list(name, "priority_areas", "a list of priority areas")
        if raw is None:
            return [], lines
        self._scale_yaml(raw, lines, name, money_paths(name))
        return raw["priority_areas"], lines

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
            sectors=frozenset(str(s["id"]) for s in sectors)
            | partial.known(self.unread, "sector"),
            program_areas=frozenset(str(a["id"]) for s in sectors for a in s["program_areas"])
            | partial.known(self.unread, "program_area"),
            investments=frozenset(str(i.get("id")) for i in investments)
            | partial.known(self.unread, "investment"),
        )
        money = [m.path for m in MONEY if m.file == name]
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
                    self.problems.add(PlanError(
                        exc.message, file=self.fname(name),
                        line=line_of(lines, (*path, "parameter")),
                        field=dotted((*path, "parameter")), expected=exc.expected,
                        found=exc.found))
                    continue
                if unit == "kroner" and ov.get("op", "set") != "scale":
                    self._scale_yaml(raw, lines, name, [
                        (key, str(i), "overrides", str(j), *m[4:]) for m in money])
        return raw[key], lines

    # --- errors from the whole model ---------------------------------------------------
    def _located(self, exc: ValidationError, lines: dict[Path_, int],
                 others: Mapping[str, tuple[str, dict[Path_, int]]]) -> list[PlanError]:
        """Every problem of the whole-plan validation, one per object (the alternatives of
        one bad value are one problem)."""
        out: list[PlanError] = []
        seen: set[tuple[Any, ...]] = set()
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
            if any(loc[:len(p)] == p for p in self.reported):
                continue  # refused before, with a clearer message
            if loc[:2] in seen:
                continue
            seen.add(loc[:2])
            out.append(self._located_one(err, loc, lines, others))
        return out

    def _located_one(self, err: Any, loc: tuple[Any, ...], lines: dict[Path_, int],
                     others: Mapping[str, tuple[str, dict[Path_, int]]]) -> PlanError:
        msg, expected = explain(err)
        found = _found(err.get("input")) if err["type"] not in ("missing",) else None
        msg += traps.hint(err["type"], loc, err.get("input"))
        located = _field_error(err)
        if located is not None:
            loc, found = (*loc, located.field), located.found
        if loc and loc[0] in others:  # priorities.yaml, scenarios.yaml, changes.yaml
            name, file_lines = others[loc[0]]
            return PlanError(msg, file=self.fname(name), line=line_of(file_lines, loc),
                             field=dotted(loc), expected=expected, found=found)
        if loc and loc[0] in ("sectors", "investments"):
            # rows were validated one by one already; this is a whole-plan problem
            return PlanError(msg, file=self.fname(f"{loc[0]}.csv"), field=dotted(loc),
                             expected=expected, found=found)
        return PlanError(msg, file=self.fname("plan.yaml"), line=line_of(lines, loc),
                         field=dotted(loc) or None, expected=expected, found=found)


# --- module helpers ---------------------------------------------------------------------

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


def _field_error(err: Any) -> FieldError | None:
    """The :class:`FieldError` behind a pydantic error, if a whole-object check raised one."""
    cause = (err.get("ctx") or {}).get("error")
    return cause if isinstance(cause, FieldError) else None


def _found(value: Any) -> Any:
    if isinstance(value, dict | list):
        text = repr(value)
        return text if len(text) <= 80 else text[:77] + "..."
    return value

