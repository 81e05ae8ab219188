"""Import SSB table 07459 (population on 1 January by region, sex, age and year).

Why: a municipality's finance staff download their population from SSB's Statbank, either
as the semicolon CSV of the web page or as JSON-stat 2.0 from the PxWebApi, and the plan
folder wants ``population/population.csv`` (``year,sex,age,population``). This module turns
either download into arrays, checks that every sex, age 0..105 and year is there, and
writes the file. Anything it cannot read with certainty is a located ``PlanError``.

Layouts understood:

* **JSON-stat 2.0** (PxWebApi ``format=json-stat2``): a dataset (top level, or under
  ``"dataset"``) with ``id``, ``size``, ``dimension`` and ``value`` (a list in row-major
  order, or a sparse object keyed by flat index). Dimensions ``Region``, ``Kjonn`` (1 menn,
  2 kvinner), ``Alder`` (``000``..``104``, ``105+``), ``Tid``; ``ContentsCode`` and any other
  dimension must have a single category.
* **CSV** (semicolon separated, quoted, optionally after title lines): long layout with
  columns ``region;kjønn;alder;[statistikkvariabel;]år;<value>``, or wide layout with one
  value column per year (``"Personer 2018"``). Cells may be texts (``"0219 Bærum"``,
  ``"Kvinner"``, ``"0 år"``, ``"105 år eller eldre"``), codes, or both (``"000 0 år"``).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import re
from pathlib import Path

import numpy as np

from muniplan.plan.errors import PlanError
from muniplan.plan.population import MAX_AGE, N_AGES, SEXES

TABLE = "07459"
_MISSING = {".", "..", "...", ":", "-", ""}
_SEX_WORDS = {"kvinner": 0, "kvinne": 0, "female": 0, "women": 0, "females": 0,
              "menn": 1, "mann": 1, "male": 1, "men": 1, "males": 1}
_SEX_CODES = {"2": 0, "1": 1}


def _sex_of(text: str) -> int | None:
    t = text.strip().lower()
    if t in _SEX_CODES:
        return _SEX_CODES[t]
    for token in re.split(r"[\s:]+", t):
        if token in _SEX_WORDS:
            return _SEX_WORDS[token]
        if token in _SEX_CODES and len(t.split()) > 1:
            return _SEX_CODES[token]
    return None


def _age_of(text: str) -> int | None:
    t = text.strip()
    m = re.match(r"^(\d{1,3})\+?(?:\s|$|år)", t) or re.match(r"^(\d{1,3})\+?$", t)
    if m is None:
        return None
    age = int(m.group(1))
    return age if 0 <= age <= MAX_AGE else None


def _region_matches(code: str, label: str, wanted: str) -> bool:
    w = re.sub(r"^[a-z]+-", "", wanted.strip().lower())
    bare = re.sub(r"^[a-z]+-", "", code.strip().lower())
    first = label.strip().split(" ", 1)[0].lower() if label else ""
    return w in (bare, re.sub(r"^[a-z]+-", "", first)) or (
        not w.isdigit() and w in label.lower())


class _Cube:
    """Collects ``(year, sex, age) -> persons`` and checks completeness."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.cells: dict[tuple[int, int, int], float] = {}

    def add(self, year: int, sex: int, age: int, value: float, line: int | None,
            field: str) -> None:
        if not math.isfinite(value) or value < 0 or value != int(value):
            raise PlanError("not a count of persons", file=self.file, line=line, field=field,
                            expected="a whole number >= 0", found=str(value))
        key = (year, sex, age)
        if key in self.cells:
            raise PlanError("the same year, sex and age twice", file=self.file, line=line,
                            field=field, found=f"{year}, {SEXES[sex]}, {age}")
        self.cells[key] = value

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        if not self.cells:
            raise PlanError("no population figures found", file=self.file,
                            expected=f"SSB table {TABLE}")
        years = sorted({k[0] for k in self.cells})
        for a, b in itertools.pairwise(years):
            if b != a + 1:
                raise PlanError("years do not follow each other", file=self.file, field="år",
                                expected=f"{a + 1} after {a}", found=str(b))
        out = np.empty((len(years), 2, N_AGES))
        for i, y in enumerate(years):
            for s in range(2):
                missing = [a for a in range(N_AGES) if (y, s, a) not in self.cells]
                if missing:
                    raise PlanError(f"missing ages for {y}, {SEXES[s]}", file=self.file,
                                    field="alder", expected=f"every age 0..{MAX_AGE}",
                                    found="missing " + ", ".join(map(str, missing[:5])))
                out[i, s] = [self.cells[(y, s, a)] for a in range(N_AGES)]
        return np.asarray(years, dtype=np.int64), out


# --- JSON-stat 2.0 ---------------------------------------------------------------------------


def _categories(dim: dict, name: str, file: str) -> list[tuple[str, str]]:
    """``[(code, label)]`` in position order."""
    cat = dim.get("category") if isinstance(dim, dict) else None
    if not isinstance(cat, dict) or ("index" not in cat and "label" not in cat):
        raise PlanError("dimension without categories", file=file, field=f"dimension.{name}",
                        expected="category.index and category.label")
    index = cat.get("index")
    labels = cat.get("label") or {}
    if isinstance(index, list):
        codes = [str(c) for c in index]
    elif isinstance(index, dict):
        codes = [str(c) for c, _ in sorted(index.items(), key=lambda kv: kv[1])]
    else:
        codes = [str(c) for c in labels]
    return [(c, str(labels.get(c, c))) for c in codes]


def _read_jsonstat(text: str, file: str, region: str | None) -> tuple[np.ndarray, np.ndarray]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError("not valid JSON", file=file, line=exc.lineno, found=exc.msg) from None
    ds = doc.get("dataset", doc) if isinstance(doc, dict) else None
    if not isinstance(ds, dict) or not {"id", "size", "dimension", "value"} <= set(ds):
        raise PlanError("not a JSON-stat dataset", file=file,
                        expected="a dataset with id, size, dimension and value")
    ids, sizes, dims = list(ds["id"]), list(ds["size"]), ds["dimension"]
    if len(ids) != len(sizes):
        raise PlanError("id and size differ in length", file=file, field="size",
                        expected=str(len(ids)), found=str(len(sizes)))
    lower = {i.lower(): i for i in ids}
    need = {"region": "Region", "kjonn": "Kjonn", "alder": "Alder", "tid": "Tid"}
    for key, name in need.items():
        if key not in lower:
            raise PlanError("dimension missing", file=file, field="dimension",
                            expected=name, found=", ".join(ids))
    cats = {i: _categories(dims.get(i), i, file) for i in ids}
    for i, n in zip(ids, sizes, strict=True):
        if len(cats[i]) != n:
            raise PlanError("size does not match the categories", file=file,
                            field=f"dimension.{i}", expected=str(n), found=str(len(cats[i])))
        if i.lower() not in need and n != 1:
            raise PlanError("an extra dimension with several categories", file=file,
                            field=f"dimension.{i}", expected="one category",
                            found=", ".join(c for c, _ in cats[i]))
    total = int(np.prod(sizes)) if sizes else 0
    raw = ds["value"]
    if isinstance(raw, list):
        if len(raw) != total:
            raise PlanError("value has the wrong length", file=file, field="value",
                            expected=f"{total} values (product of size)", found=str(len(raw)))
        values = raw
    elif isinstance(raw, dict):
        values = [None] * total
        for k, v in raw.items():
            values[int(k)] = v
    else:
        raise PlanError("value is neither a list nor an object", file=file, field="value")

    r_dim = lower["region"]
    r_cats = cats[r_dim]
    if region is None:
        if len(r_cats) != 1:
            raise PlanError("several regions; name one", file=file, field="Region",
                            expected="region=<code or name>",
                            found=", ".join(f"{c} {lab}" for c, lab in r_cats[:6]))
        r_keep = {0}
    else:
        r_keep = {i for i, (c, lab) in enumerate(r_cats) if _region_matches(c, lab, region)}
        if len(r_keep) != 1:
            raise PlanError("region not found" if not r_keep else "region is ambiguous",
                            file=file, field="Region", expected=region,
                            found=", ".join(f"{c} {lab}" for c, lab in r_cats[:6]))
    strides = np.cumprod([1, *sizes[::-1]])[:-1][::-1]
    sex_of = [_sex_of(c) if _sex_of(c) is not None else _sex_of(lab)
              for c, lab in cats[lower["kjonn"]]]
    age_of = [_age_of(c) if _age_of(c) is not None else _age_of(lab)
              for c, lab in cats[lower["alder"]]]
    for (c, lab), a in zip(cats[lower["alder"]], age_of, strict=True):
        if a is None:
            raise PlanError("unknown age category", file=file, field="dimension.Alder",
                            expected="000..104 or 105+", found=f"{c} {lab}")
    for (c, lab), s in zip(cats[lower["kjonn"]], sex_of, strict=True):
        if s is None and c != "0":
            raise PlanError("unknown sex category", file=file, field="dimension.Kjonn",
                            expected="1 (menn) or 2 (kvinner)", found=f"{c} {lab}")
    years = []
    for c, _ in cats[lower["tid"]]:
        if not re.fullmatch(r"\d{4}", c):
            raise PlanError("unknown year", file=file, field="dimension.Tid",
                            expected="a year such as 2018", found=c)
        years.append(int(c))
    cube = _Cube(file)
    for flat, v in enumerate(values):
        pos = dict(zip(ids, (flat // strides) % np.asarray(sizes), strict=True))
        if int(pos[r_dim]) not in r_keep:
            continue
        s = sex_of[int(pos[lower["kjonn"]])]
        if s is None:
            continue  # both sexes together
        a = age_of[int(pos[lower["alder"]])]
        y = years[int(pos[lower["tid"]])]
        if v is None or isinstance(v, bool) or not isinstance(v, (int, float)):
            raise PlanError("no number for a cell", file=file, field=f"value[{flat}]",
                            expected="a count of persons",
                            found=f"{v!r} ({y}, {SEXES[s]}, age {a})")
        cube.add(y, s, int(a), float(v), None, f"value[{flat}]")
    return cube.arrays()


# --- CSV -------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _norm(h: str) -> str:
    return h.strip().strip('"').lower().replace("ø", "o").replace("å", "a")


def _read_csv(text: str, file: str, region: str | None) -> tuple[np.ndarray, np.ndarray]:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines)
                  if ";" in line and _norm(line.split(";", 1)[0]) == "region"), None)
    if start is None:
        raise PlanError("no header line starting with region", file=file,
                        expected='"region";"kjønn";"alder";...')
    reader = csv.reader(io.StringIO("\n".join(lines[start:])), delimiter=";")
    header = next(reader)
    names = [_norm(h) for h in header]
    col = {n: i for i, n in enumerate(names)}
    for need in ("region", "kjonn", "alder"):
        if need not in col:
            raise PlanError("column missing", file=file, line=start + 1, field=need,
                            expected="region;kjønn;alder;...", found=";".join(header))
    long = "ar" in col
    if long:
        value_cols = [len(header) - 1]
        if value_cols[0] in (col["ar"], col["region"], col["kjonn"], col["alder"]):
            raise PlanError("no value column", file=file, line=start + 1,
                            expected="a last column with the number of persons")
    else:
        value_cols = [i for i, n in enumerate(names) if re.search(r"(\d{4})\s*$", n)]
        if not value_cols:
            raise PlanError("no year columns", file=file, line=start + 1, field="header",
                            expected='a column "år" or columns such as "Personer 2018"',
                            found=";".join(header))
    skip = {col["region"], col["kjonn"], col["alder"], col.get("ar", -1),
            col.get("statistikkvariabel", -1)}
    cube = _Cube(file)
    regions: set[str] = set()
    for line_no, row in enumerate(reader, start=start + 2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise PlanError("wrong number of cells", file=file, line=line_no,
                            expected=f"{len(header)} cells", found=f"{len(row)} cells")
        reg = row[col["region"]].strip()
        code = reg.split(" ", 1)[0]
        if region is None:
            regions.add(reg)
            if len(regions) > 1:
                raise PlanError("several regions; name one", file=file, line=line_no,
                                field="region", expected="region=<code or name>",
                                found=", ".join(sorted(regions)))
        elif not _region_matches(code, reg, region):
            continue
        sex = _sex_of(row[col["kjonn"]])
        if sex is None:
            if _norm(row[col["kjonn"]]) in ("begge kjonn", "0", "i alt"):
                continue
            raise PlanError("unknown sex", file=file, line=line_no, field="kjønn",
                            expected="Kvinner or Menn", found=row[col["kjonn"]])
        age = _age_of(row[col["alder"]])
        if age is None:
            raise PlanError("unknown age", file=file, line=line_no, field="alder",
                            expected="0 år .. 105 år eller eldre", found=row[col["alder"]])
        for vc in value_cols:
            if vc in skip:
                continue
            if long:
                year_text = row[col["ar"]].strip()
                year_field = header[vc].strip()
            else:
                year_text = re.search(r"(\d{4})\s*$", names[vc]).group(1)  # type: ignore[union-attr]
                year_field = header[vc]
            if not re.fullmatch(r"\d{4}", year_text):
                raise PlanError("not a year", file=file, line=line_no, field="år",
                                expected="a year such as 2018", found=year_text)
            cell = row[vc].strip()
            if cell in _MISSING:
                raise PlanError("no figure (SSB's mark for missing or confidential)",
                                file=file, line=line_no, field=year_field,
                                expected="a count of persons", found=cell)
            try:
                value = float(int(cell.replace(" ", "").replace("\u00a0", "")))
            except ValueError:
                raise PlanError("not a whole number", file=file, line=line_no,
                                field=header[vc].strip(), expected="a count of persons",
                                found=cell) from None
            cube.add(int(year_text), sex, age, value, line_no, header[vc].strip())
    if region is not None and not cube.cells:
        raise PlanError("region not found", file=file, field="region", expected=region)
    return cube.arrays()


def read_07459(path: Path, region: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(years, population[year, sex, age])`` from an SSB 07459 download (CSV or JSON-stat).

    ``region`` picks one region by code (``"0219"``, ``"K-0219"``) or name (``"Bærum"``);
    it may be left out when the file holds one region only.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PlanError("file is missing", file=str(path)) from None
    text = _decode(data)
    if text.lstrip().startswith("{"):
        return _read_jsonstat(text, str(path), region)
    return _read_csv(text, str(path), region)


def write_population_csv(source: Path, folder: Path, region: str | None = None) -> Path:
    """Write ``folder/population/population.csv`` from an SSB 07459 download; returns its path.

    ``folder`` is the plan folder (the ``population/`` subfolder is made if needed). Nothing
    is written when the download has an error.
    """
    years, population = read_07459(source, region)
    target = Path(folder) / "population" / "population.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["year", "sex", "age", "population"])
    for i, year in enumerate(years):
        for s, sex in enumerate(SEXES):
            for age in range(N_AGES):
                writer.writerow([int(year), sex, age, int(population[i, s, age])])
    target.write_text(buffer.getvalue(), encoding="utf-8")
    return target
