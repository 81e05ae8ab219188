"""A parameter the address gets wrong, said in the page's words: pydantic's own messages are
English and name its types, so each error's *type* is said here in bokmål (the site's
catalogue gives the English), with the parameter's name and what was found. The pages and
the JSON API say them alike."""

from __future__ import annotations

from typing import Any

from fastapi.exceptions import RequestValidationError

PATH_PARTS = {"year": "Året i adressen", "period": "Perioden i adressen",
              "ext": "Filtypen i adressen", "number": "Versjonsnummeret i adressen",
              "question_id": "Spørsmålsnummeret i adressen", "plan_id": "Planen i adressen",
              "sector_id": "Sektoren i adressen"}
"""A part of the path has no name the reader sees (``/oppfolging/2018/T9``), so it is said
in words; a query parameter is named as the address writes it (``?to=``)."""


def validation_messages(exc: RequestValidationError, _: Any) -> list[str]:
    out = []
    for err in exc.errors():
        loc = list(err.get("loc", ()))
        found = str(err.get("input", ""))[:80]
        msg = expected(err, _)
        if loc[:1] == ["path"] and len(loc) > 1 and loc[1] in PATH_PARTS:
            out.append(_("{part}: {msg} (fikk «{found}»).").format(
                part=_(PATH_PARTS[loc[1]]), msg=msg, found=found))
            continue
        # a repeated parameter's place in the list (``v.0``) is no name the reader wrote
        name = ".".join(str(x) for x in loc if x not in ("query", "path", "body")
                        and not isinstance(x, int)) or "?"
        out.append(_("Parameteren «{name}»: {msg} (fikk «{found}»).").format(
            name=name, msg=msg, found=found))
    return out


def expected(err: Any, _: Any) -> str:
    """What the parameter must be, in the page's language (pydantic's own text is English)."""
    ctx = err.get("ctx") or {}
    kind = err.get("type", "")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("må være et heltall")
    if kind == "greater_than_equal":
        return _("må være minst {limit}").format(limit=ctx.get("ge"))
    if kind == "less_than_equal":
        return _("må være høyst {limit}").format(limit=ctx.get("le"))
    if kind == "literal_error":
        return _("må være en av {choices}").format(
            choices=str(ctx.get("expected", "")).replace(" or ", ", "))
    if kind == "missing":
        return _("mangler")
    return _("har en verdi som ikke kan brukes")
