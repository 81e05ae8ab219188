"""Broken plan folders (issue 2): every kind of bad input gives one located error, exit 2.

Each case in ``broken_plans/cases.yaml`` is a small patch of the Bærum example: the test
copies the example into ``tmp_path``, applies the patch, runs ``muniplan validate`` and
``muniplan project`` on the copy, and checks that both exit with code 2, that stderr holds
exactly one line naming the file, the line, the field and the message, that there is no
traceback, and that nothing was written.

Patch operations (one case may list several under ``changes``; each names its ``file``):

``replace: [OLD, NEW]``   OLD must occur exactly once in the file
``sub: [REGEX, REPL]``    multiline regex, replaced on every line it matches (at least one)
``append: TEXT``          added to the end of the file
``delete_line: TEXT``     the one line containing TEXT is removed
``content: TEXT``         the whole file replaced
``delete: true``          the file removed
``encode: CODEC``         the file saved again in another encoding (``utf-16-le``: no mark)
``zip: true``             the file replaced by a zip archive (a workbook saved as .csv)

``expect``: ``file`` (the path relative to the plan folder), ``line`` (a number) or
``line_at`` (text on exactly one line of the patched file: its line), ``field`` (the field
as printed; null when the error can name none), ``message`` (a fragment).
"""

from __future__ import annotations

import copy
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from muniplan.cli import main
from muniplan.engine.finance import project_finances
from muniplan.engine.inputs import finance_inputs
from muniplan.plan.errors import PlanError
from muniplan.plan.load import EXAMPLES_DIR, load_files, load_plan, read_folder

EXAMPLE = EXAMPLES_DIR / "baerum-2018-2021"
CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "broken_plans" / "cases.yaml").read_text(encoding="utf-8"))


def _apply(folder: Path, change: dict[str, Any]) -> None:
    path = folder / change["file"]
    if change.get("delete"):
        path.unlink()
        return
    if "content" in change:
        path.write_text(change["content"], encoding="utf-8")
        return
    if "encode" in change:
        path.write_bytes(path.read_text(encoding="utf-8").encode(change["encode"]))
        return
    if change.get("zip"):
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("xl/workbook.xml", "<workbook/>")
        return
    text = path.read_text(encoding="utf-8")
    if "replace" in change:
        old, new = change["replace"]
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
        text = text.replace(old, new)
    elif "sub" in change:
        pattern, repl = change["sub"]
        text, n = re.subn(pattern, repl, text, flags=re.MULTILINE)
        assert n >= 1, f"{pattern!r} matches nothing in {path.name}"
    elif "append" in change:
        text += change["append"]
    elif "delete_line" in change:
        lines = text.splitlines(keepends=True)
        hits = [i for i, line in enumerate(lines) if change["delete_line"] in line]
        assert len(hits) == 1, f"{change['delete_line']!r} is on {len(hits)} lines"
        del lines[hits[0]]
        text = "".join(lines)
    else:
        raise AssertionError(f"unknown change {change}")
    path.write_text(text, encoding="utf-8")


def build(case: dict[str, Any], root: Path) -> Path:
    """The Bærum example copied to ``root/<name>`` with the case's patch applied."""
    folder = root / case["name"]
    shutil.copytree(EXAMPLE, folder)
    for change in case.get("changes") or [case]:
        _apply(folder, change)
    return folder


def expected_line(case: dict[str, Any], folder: Path) -> int | None:
    exp = case["expect"]
    if "line_at" not in exp:
        return exp.get("line")
    lines = (folder / exp["file"]).read_text(encoding="utf-8").splitlines()
    hits = [i + 1 for i, line in enumerate(lines) if exp["line_at"] in line]
    assert len(hits) == 1, f"line_at {exp['line_at']!r} is on lines {hits}"
    return hits[0]


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(["--lang", "en", *argv])  # the messages as the loader writes them
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def test_the_cases_are_many_and_distinct():
    names = [c["name"] for c in CASES]
    assert len(names) >= 30
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z0-9-]+", n) for n in names)


def test_the_unpatched_copy_is_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    folder = build({"name": "unchanged", "changes": [{"file": "plan.yaml", "append": ""}]},
                   tmp_path)
    code, out, err = run(["validate", str(folder)], capsys)
    assert (code, err) == (0, "")
    assert "Bærum kommune" in " ".join(out.split())


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_broken_plan(case: dict[str, Any], tmp_path: Path,
                     capsys: pytest.CaptureFixture[str]) -> None:
    folder = build(case, tmp_path)
    exp = case["expect"]
    line = expected_line(case, folder)
    before = snapshot(tmp_path)

    for command in ("validate", "project"):
        code, out, err = run([command, str(folder)], capsys)
        assert code == 2, f"{command}: exit {code}\n{out}\n{err}"
        assert "Traceback" not in out + err
        assert out == "", f"{command} printed to stdout: {out}"
        lines = err.strip("\n").split("\n")
        assert len(lines) == 1, f"{command}: more than one line on stderr:\n{err}"
        msg = lines[0]
        file_part = f"{folder}/{exp['file']}"
        if line is not None:
            file_part += f":{line}"
        assert msg.startswith(f"error: {file_part}: "), f"{command}: {msg}"
        rest = msg[len(f"error: {file_part}: "):]
        if exp.get("field") is not None:
            assert rest.startswith(f"{exp['field']}: "), f"field {exp['field']!r}: {msg}"
        assert exp["message"] in rest, f"message {exp['message']!r}: {msg}"
    assert snapshot(tmp_path) == before, "a command wrote to the plan folder or beside it"

    # the loader's own error carries the same location
    with pytest.raises(PlanError) as info:
        load_plan(folder)
    assert info.value.line == line
    assert info.value.field == exp.get("field")


# --- no input crashes the loader: every value of every key in plan.yaml ------------------------

ODD_VALUES = ("text", -1, None, [1, 2], {"a": 1}, True, 1e308, "")


def _key_paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path] if path else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _key_paths(v, (*path, k))
    elif isinstance(data, list) and data:
        out += _key_paths(data[0], (*path, 0))
    return out


@pytest.mark.parametrize("section", ["assumptions", "income", "opening", "finance", "rules",
                                     "services", "long_term_investments", "period",
                                     "municipality"])
def test_any_value_anywhere_is_a_plan_error(section: str):
    # in memory and without the population files, so that hundreds of variants stay fast
    files = {k: v for k, v in read_folder(EXAMPLE).items() if not k.startswith("population/")}
    raw = yaml.safe_load(files["plan.yaml"])
    tried = 0
    for i, path in enumerate(_key_paths(raw[section], (section,))):
        # four of the odd values per key, rotating, so every value meets many keys
        for value in (ODD_VALUES + ODD_VALUES)[i % len(ODD_VALUES):][:4]:
            data = copy.deepcopy(raw)
            parent = data
            for key in path[:-1]:
                parent = parent[key]
            if parent[path[-1]] == value:
                continue
            parent[path[-1]] = value
            changed = {**files, "plan.yaml": yaml.safe_dump(data, allow_unicode=True)}
            tried += 1
            try:
                plan = load_files(changed, origin="fuzz")
            except PlanError:
                continue
            # accepted: then the engine must run on it
            inputs = finance_inputs(plan)
            ones = np.ones((1, len(inputs.years)))
            project_finances(inputs, ones, 0 * ones, plan.rules)
    assert tried >= 4 * len(_key_paths(raw[section], (section,))) > 0
