"""YAML with line numbers: so that every error can name the line it comes from.

PyYAML's safe loader builds plain Python data and forgets where it came from; here the node
tree is walked once more to record the line of every key and list item, by path.

The node tree is read by libyaml (PyYAML's C loader, several times faster than its Python
one: the plan's YAML is most of a ``validate``); a file libyaml refuses is read again by the
Python loader, whose messages are the ones the broken-plan cases name.
"""

from __future__ import annotations

from typing import Any

import yaml

from muniplan.plan.errors import PlanError

Path_ = tuple[Any, ...]


FAST_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str, file: str) -> tuple[Any, dict[Path_, int]]:
    """Parse ``text``; return the data and a map from key path to 1-based line."""
    try:
        return _load(text, file, FAST_LOADER)
    except PlanError:
        if FAST_LOADER is yaml.SafeLoader:
            raise
    return _load(text, file, yaml.SafeLoader)


def _load(text: str, file: str, loader_class: Any) -> tuple[Any, dict[Path_, int]]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or str(exc)
        context = exc.context or ""
        if (context.startswith("while parsing a flow") and exc.context_mark is not None
                and line is not None and exc.context_mark.line + 1 < line):
            # an unclosed bracket shows up lines later: point at the bracket
            kind = context.removeprefix("while parsing a ")
            problem += f" on line {line}, in the {kind} opened here (a bracket not closed?)"
            line = exc.context_mark.line + 1
        raise PlanError(
            f"not valid YAML: {problem}", file=file, line=line
        ) from None
    except yaml.YAMLError as exc:
        raise PlanError(f"not valid YAML: {exc}", file=file) from None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {(): node.start_mark.line + 1}
    _walk(node, (), lines, yaml.SafeLoader(""), file)
    return data, lines


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int], loader: yaml.SafeLoader,
          file: str) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            try:
                key = loader.construct_object(key_node, deep=True)
            except yaml.YAMLError:
                continue
            if isinstance(key, list | dict):
                continue
            sub = (*path, key)
            line = key_node.start_mark.line + 1
            if sub in lines:
                # YAML keeps the last of two equal keys without a word: a line copied and
                # changed (horizon: 2040, then horizon: 2050) would pass with either value
                raise PlanError("the key is given twice", file=file, line=line,
                                field=dotted(sub), expected=f"each key once (first on line "
                                f"{lines[sub]})", found=str(key))
            lines[sub] = line
            _walk(value_node, sub, lines, loader, file)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            sub = (*path, i)
            lines[sub] = item.start_mark.line + 1
            _walk(item, sub, lines, loader, file)


def line_of(lines: dict[Path_, int], path: Path_) -> int | None:
    """The line of ``path`` or of its nearest ancestor that has one."""
    p = tuple(path)
    while p:
        if p in lines:
            return lines[p]
        p = p[:-1]
    return lines.get(())


def dotted(path: Path_) -> str:
    """``('sectors', 0, 'name')`` → ``sectors[0].name``."""
    out = ""
    for part in path:
        # list positions are small; year keys (2018) read better as .2018
        if isinstance(part, int) and not isinstance(part, bool) and part < 1000 and out:
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
