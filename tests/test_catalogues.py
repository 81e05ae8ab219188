"""Every message a user can see has its other language in the catalogues.

The texts are read from the source, not from a run: the calls of the translation functions
(``_()``, and the helpers that translate what they are given — ``fail``, ``warn``,
``error``, ``working``, ``count``), and the errors the command line prints translated
(``PlanError``'s message and expected value, ``StoreError``'s message). The command line
holds texts in English (help, the plan's errors) and in bokmål (tables, messages for
finance staff), so a text must be a message id of one of its two catalogues. An f-string is
a pattern: its values are places (``{}``) that the catalogue writes ``{0}``, ``{1}`` …, or
fills with words of its own (``[green]recorded[/] {0} …``). The web site is written in
bokmål, so every text of its Python code and templates must be in its English catalogue.

A text with no word in it (a file layout such as ``{}-{}.csv`` or
``funksjon,program_area``) reads the same in both languages and needs no entry.
"""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import jinja2
import pytest

import muniplan
from muniplan import translation
from muniplan.cli import i18n, main
from muniplan.plan.errors import KINDS, kind_of
from muniplan.plan.load import EXAMPLES_DIR
from muniplan.web.i18n import translations

SRC = Path(muniplan.__file__).parent
CLI_PARTS = ("cli", "plan", "store")
TRANSLATED_FIRST = {"_", "fail", "warn", "error", "working", "PlanError", "ScenarioError",
                    "StoreError", "NotFoundError", "AccountError", "MuniplanError",
                    "FieldError", "MoneyError"}
TRANSLATED_KEYWORDS = {"message", "expected"}
AS_WRITTEN = {
    "0 år .. 105 år eller eldre":
        "SSB's own labels of the age categories, which the file must hold as SSB writes them",
}
"""Texts with words that are shown as written in both languages, each with its reason."""
WORD = re.compile(r"[A-Za-zÆØÅæøå]{2,}")


def _text(node: ast.AST) -> str | None:
    """A string literal as written; an f-string with ``{}`` for each of its values."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def _name(func: ast.AST) -> str | None:
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _cli_texts() -> Iterator[tuple[str, str]]:
    """``(where, text)`` for every text the command line translates."""
    for part in CLI_PARTS:
        for path in sorted((SRC / part).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = _name(node.func)
                args: list[ast.AST] = []
                if name in TRANSLATED_FIRST:
                    args += node.args[:1]
                    args += [k.value for k in node.keywords if k.arg in TRANSLATED_KEYWORDS]
                elif name == "count":
                    args += node.args[1:3]
                for arg in args:
                    text = _text(arg)
                    if text is not None:
                        yield f"{path.relative_to(SRC)}:{node.lineno}", text


def _needs_words(text: str) -> bool:
    """Whether ``text`` holds a word (letters between spaces), not only a layout."""
    tokens = (t.lstrip("('\"«").rstrip(",.;:)'\"»!?")
              for t in text.replace("{}", " ").split())
    return any(WORD.fullmatch(t) for t in tokens)


def _in(text: str, keys: set[str]) -> bool:
    """``text`` is a key, or (an f-string) a key's pattern, its places filled by values or
    by the key's own words."""
    if text in keys:
        return True
    if "{}" not in text:
        return False
    parts = text.split("{}")
    pattern = re.compile("(.+?)".join(map(re.escape, parts)) + r"\Z", re.DOTALL)
    return any(all(p in key for p in parts) and pattern.match(key) for key in keys)


def _placeless(key: str) -> str:
    return re.sub(r"\{\d+\}", "{}", key)


def test_every_command_line_message_has_its_other_language() -> None:
    keys = {_placeless(k) for lang in i18n.LANGUAGES for k in translation.catalogue(lang)}
    texts = list(_cli_texts())
    missing = [f"{where}: {text!r}" for where, text in texts
               if _needs_words(text) and text not in AS_WRITTEN
               and not _in(_placeless(text), keys)]
    assert len(texts) > 400
    assert missing == [], ("messages in neither src/muniplan/locale/nb nor en:\n"
                           + "\n".join(missing))


def _module_dicts(path: Path) -> dict[str, list[str]]:
    """The string values of each module-level dict literal of ``path``, by name."""
    out: dict[str, list[str]] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Dict):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            values = [v.value for v in node.value.values
                      if isinstance(v, ast.Constant) and isinstance(v.value, str)]
            for target in targets:
                if isinstance(target, ast.Name):
                    out[target.id] = values
    return out


def _labels_of(arg: ast.AST, tree: ast.Module, path: Path) -> list[str] | None:
    """The texts ``_(LABELS[key])`` or ``_(LABELS.get(key, …))`` can show: the values of
    the dict ``LABELS``, defined in this module or imported from another of muniplan's."""
    base = arg.value if isinstance(arg, ast.Subscript) else (
        arg.func.value if isinstance(arg, ast.Call) and _name(arg.func) == "get" else None)
    if not isinstance(base, ast.Name):
        return None
    own = _module_dicts(path)
    if base.id in own:
        return own[base.id]
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and \
                node.module.startswith("muniplan.") and \
                any(a.name == base.id for a in node.names):
            module = SRC.parent / Path(*node.module.split("."))
            return _module_dicts(module.with_suffix(".py")).get(base.id)
    return None


def _web_texts() -> Iterator[tuple[str, str]]:
    """``(where, text)`` for every literal text the web site translates, and every value of
    a label table it translates by key."""
    web = SRC / "web"
    for path in sorted(web.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in ("_", "gettext") \
                    and isinstance(node.func, ast.Name) and node.args:
                where = f"{path.relative_to(SRC)}:{node.lineno}"
                text = _text(node.args[0])
                if isinstance(node.args[0], ast.Constant) and text is not None:
                    yield where, text
                for label in _labels_of(node.args[0], tree, path) or ():
                    yield where, label
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    for path in sorted((web / "templates").rglob("*.html")):
        for line, _func, message in env.extract_translations(path.read_text("utf-8")):
            if isinstance(message, str):
                yield f"{path.relative_to(SRC)}:{line}", message


def test_every_web_text_has_its_english() -> None:
    english = translations("en")._catalog  # type: ignore[attr-defined]
    texts = list(_web_texts())
    missing = [f"{where}: {text!r}" for where, text in texts
               if text not in english and _needs_words(text)]
    assert len(texts) > 800
    assert missing == [], ("texts without English in src/muniplan/web/locale/en:\n"
                           + "\n".join(missing))


def test_the_reader_finds_patterns_labels_and_layouts(tmp_path: Path) -> None:
    keys = {"[green]recorded[/] {} {} revision {}", "every year {}..{}"}
    assert _in("{} {} {} revision {}", keys)
    assert _in("every year {}..{}", keys)
    assert not _in("{}: every year {}..{}", keys)
    assert not _in("no question {}", keys)
    assert not _needs_words("{}-{}.csv") and not _needs_words("funksjon,program_area")
    assert _needs_words("kv, assumptions, records, csv, text or info")
    module = tmp_path / "m.py"
    module.write_text('LABELS = {"a": "Økonomistab", "b": "Politisk gruppe"}\n'
                      "def f(_, k):\n    return _(LABELS[k]), _(LABELS.get(k, k))\n")
    tree = ast.parse(module.read_text())
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _name(n.func) == "_"]
    assert [_labels_of(c.args[0], tree, module) for c in calls] == [
        ["Økonomistab", "Politisk gruppe"]] * 2


def test_what_was_found_is_told_in_words_in_both_languages(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert [kind_of(v) for v in ([], {}, 5, 2.5, True, None, "x")] == [
        "a list", "a mapping", "a number", "a number", "yes or no", "nothing", "a text"]
    assert [w for _kind, w in KINDS if w not in translation.catalogue("nb")] == []
    plan = tmp_path / "plan"
    shutil.copytree(EXAMPLES_DIR / "baerum-2018-2021", plan)
    (plan / "plan.yaml").write_text("- id: baerum\n", encoding="utf-8")
    for lang, words in (("nb", "fant en liste)"), ("en", "found a list)")):
        with pytest.raises(SystemExit) as exc:
            main(["--lang", lang, "validate", str(plan)])
        err = " ".join(capsys.readouterr().err.split())
        assert exc.value.code == 2 and err.endswith(words), err
        assert "'list'" not in err


@pytest.mark.parametrize(("lang", "words"), [("nb", "fant ingen rapporter)"),
                                             ("en", "found no reports)")])
def test_a_folder_without_reports_is_told_in_words(lang: str, words: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--lang", lang, "followup", "--year", "2018", "--actuals", str(tmp_path)])
    err = " ".join(capsys.readouterr().err.split())
    assert exc.value.code == 2 and err.endswith(words), err
