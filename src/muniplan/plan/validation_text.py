"""The model checks' errors in the loader's own words, by error type.

Why not pydantic's message: it is English prose made for developers ("Input should be a valid
number, unable to parse string as a number", "Extra inputs are not permitted") that the
command line cannot put into bokmål word for word. Each error *type* becomes a short message
and, apart, what was expected — the same few words for every field, so that each has one
translation in the command line's catalogues. A type not listed here is one of the plan's
own checks (a validator's ``ValueError``), already written for people.
"""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, tuple[str, str | None]] = {
    # type: (message, expected; "{x}" is filled in from the error's context)
    "missing": ("required field missing", None),
    "extra_forbidden": ("unknown field", "a field the plan format names (misspelt?)"),
    "literal_error": ("not one of the permitted values", "{expected}"),
    "enum": ("not one of the permitted values", "{expected}"),
    "float_parsing": ("not a number", "a number"),
    "float_type": ("not a number", "a number"),
    "finite_number": ("not a number", "a finite number"),
    "int_parsing": ("not a whole number", "a whole number"),
    "int_type": ("not a whole number", "a whole number"),
    "int_from_float": ("not a whole number", "a whole number"),
    "bool_parsing": ("not true or false", "true or false"),
    "bool_type": ("not true or false", "true or false"),
    "string_type": ("not a text", "a text"),
    "list_type": ("not a list", "a list"),
    "tuple_type": ("not a list", "a list"),
    "dict_type": ("not a mapping", "keys with values"),
    "model_type": ("not a mapping", "keys with values"),
    "model_attributes_type": ("not a mapping", "keys with values"),
    "greater_than_equal": ("too small", "at least {ge}"),
    "greater_than": ("too small", "more than {gt}"),
    "less_than_equal": ("too large", "at most {le}"),
    "less_than": ("too large", "less than {lt}"),
    "string_pattern_mismatch": ("not of the required form", "{pattern}"),
    "string_too_short": ("too short", "at least {min_length} characters"),
    "string_too_long": ("too long", "at most {max_length} characters"),
    "too_short": ("too few entries", "at least {min_length}"),
    "too_long": ("too many entries", "at most {max_length}"),
    "date_from_datetime_parsing": ("not a date", "a date such as 2026-01-31"),
    "date_parsing": ("not a date", "a date such as 2026-01-31"),
    "date_type": ("not a date", "a date such as 2026-01-31"),
}

PATTERNS = {  # the model's text patterns, said in words
    r"^\d{4}$": "four digits",
    r"^[a-z0-9][a-z0-9-]*$": "small letters, digits and '-'",
}

_OWN = ("Value error, ", "Assertion failed, ")


def explain(err: Any) -> tuple[str, str | None]:
    """``(message, expected)`` for one of pydantic's error dicts."""
    kind = err.get("type", "")
    if kind in MESSAGES:
        message, expected = MESSAGES[kind]
        ctx = {k: _plain(v) for k, v in (err.get("ctx") or {}).items()}
        try:
            return message, None if expected is None else expected.format(**ctx)
        except (KeyError, IndexError):
            return message, None
    return own_message(err.get("msg", "")), None


def own_message(msg: str) -> str:
    """A validator's own message without pydantic's prefix."""
    for prefix in _OWN:
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    return msg.replace("a valid tuple", "a list")  # tuples in the model, lists in a file


def _plain(value: Any) -> str:
    if isinstance(value, str) and value in PATTERNS:
        return PATTERNS[value]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
