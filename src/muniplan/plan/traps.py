"""YAML's traps for Norwegian writers, named with their fix.

Why: YAML reads ``number: 0301`` as the octal number 193, ``0,042`` as a text, an unquoted
``{name: Eksempel, kommune}`` as two keys, and ``amount: 300.000`` as three hundred. The first
three fail validation with a message that would not tell a finance officer what to do; the
last would pass silently. Each gets its fix here.
"""

from __future__ import annotations

import re
from typing import Any

from muniplan.plan.errors import PlanError

_DOT_GROUPS = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{3})+(?![\d.])")


def hint(error_type: str, loc: tuple[Any, ...], found: Any) -> str:
    """A fix to append to a validation message, or ``""``."""
    last = str(loc[-1]) if loc else ""
    if last == "number" and isinstance(found, int) and not isinstance(found, bool):
        return ('; write the kommunenummer in quotes, e.g. number: "0301" (YAML reads a '
                "number with a leading 0 as octal: 0301 is 193)")
    if error_type == "float_parsing" and isinstance(found, str) and "," in found:
        return (f"; YAML writes decimals with a point: {found.replace(',', '.')} "
                "(a comma makes it a text)")
    if error_type == "extra_forbidden" and found is None:
        return ('; a text with a comma inside { } needs quotes, e.g. '
                '{name: "Eksempel, kommune"}, or the key is misspelt')
    return ""


def check_yaml_amount(text: str, line: int | None, file: str, field: str, value: Any) -> None:
    """Refuse an amount YAML read as a decimal that was written like ``300.000``."""
    if not isinstance(value, float) or line is None:
        return
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return
    for token in _DOT_GROUPS.findall(lines[line - 1]):
        if float(token) == value:
            raise PlanError(
                "'.' between groups of three digits: thousands or a decimal?", file=file,
                line=line, field=field,
                expected="thousands written with nothing between them (300000) or an "
                "underscore (300_000); a decimal with fewer or more than three digits",
                found=token)
