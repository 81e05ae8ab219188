"""The public JSON API: plans, their versions, and projections, read-only.

``api_router(store)`` is mounted by :func:`muniplan.web.app.create_app` under ``/api``. The
JSON is the same as the CLI's ``--format json`` (:func:`muniplan.report.data.plan_to_dict`
and :func:`~muniplan.report.data.projection_to_dict`) plus a ``version`` object saying which
stored version it came from, so a figure reads the same wherever it is shown.

Parameters are strict and bounded (the OpenAPI schema says how), a wrong one is a 422 that
names it, and anything missing is a 404 whose ``detail`` says what was not found; each error
also has a ``message`` in the language asked for (:mod:`muniplan.web.api_errors`). A stored
version never changes, so loaded plans and projections are kept in small LRU caches keyed
by (plan id, version number[, last year]); only "which version is current" asks the
database on each request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, HTTPException, Request
from fastapi import Path as PathParam
from fastapi import Query as QueryParam
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field

from muniplan.engine.projection import project
from muniplan.plan.errors import PlanError
from muniplan.plan.model import Plan
from muniplan.report.data import plan_to_dict, projection_to_dict
from muniplan.store import NotFoundError, Store, StoreError, VersionRecord
from muniplan.store.process import STAGES, Process
from muniplan.web.auth import current_user

PLAN_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
MAX_VERSION = 1_000_000
LAST_YEAR = 2100
FIRST_YEAR = 1900
PLAN_CACHE = 16
PROJECTION_CACHE = 128

PlanId = Annotated[str, PathParam(
    pattern=PLAN_ID_PATTERN, max_length=64,
    description="The plan's id (the `id` of its plan.yaml), e.g. `baerum-2018-2021`.",
    examples=["baerum-2018-2021"])]
VersionNumber = Annotated[int, PathParam(
    ge=1, le=MAX_VERSION, description="The version number, from 1.")]

T = TypeVar("T")


class ErrorOut(BaseModel):
    """What was not found, or what went wrong: ``detail`` for programs (as the store says
    it, the same in every language), ``message`` for people, in the language asked for
    (``?lang=en`` or ``Accept-Language``; bokmål by default)."""

    detail: str
    message: str


class MunicipalityOut(BaseModel):
    name: str
    number: str = Field(description="Kommunenummer, e.g. 0219.")


class VersionOut(BaseModel):
    """One immutable version of a plan."""

    plan_id: str
    number: int = Field(ge=1)
    status: Literal["draft", "proposal", "alternative", "adopted"] = Field(
        description="utkast, forslag, alternativt budsjett or vedtatt.")
    parent: int | None = Field(description="The version this one was made from.")
    author: str | None
    message: str | None
    created_at: datetime = Field(description="When it was stored (UTC).")
    digest: str = Field(description="SHA-256 of the plan folder's files.")
    stage: Literal[STAGES] = Field(  # type: ignore[valid-type]
        description="Its place in the process: utkast, forslag, alternativt budsjett, "
        "innstilling, vedtatt or revidert.")
    group: str | None = Field(description="The political group that owns an alternative.")
    title: str | None = Field(description="An alternative's name.")
    published: bool = Field(description="Whether the public may read it.")


class PlanSummaryOut(BaseModel):
    """A plan in the store, with its newest version."""

    id: str
    title: str
    municipality: MunicipalityOut
    latest_version: int
    latest_status: Literal["draft", "proposal", "alternative", "adopted"]


class PlanOut(BaseModel):
    """The plan in whole kroner (as ``muniplan show --format json``: sectors, investments,
    priority areas, rules, sources, totals — every figure with its source), and the
    version it is."""

    model_config = ConfigDict(extra="allow")

    id: str
    title: str
    municipality: MunicipalityOut
    period: tuple[int, int]
    base_year: int
    horizon: int
    version: VersionOut


class ProjectionPlanOut(BaseModel):
    id: str
    municipality: MunicipalityOut
    period: tuple[int, int]


class ProjectionOut(BaseModel):
    """The projection (as ``muniplan project --format json``): one value a year per
    series, whole kroner for money and fractions for ratios, every rule checked per year,
    the savings need, provenance — and the version projected."""

    model_config = ConfigDict(extra="allow")

    plan: ProjectionPlanOut
    years: list[int]
    series: dict[str, list[int | float | None]]
    checks: list[dict[str, Any]]
    savings_need: dict[str, int | float | None]
    provenance: dict[str, Any]
    version: VersionOut


NOT_FOUND = {404: {"model": ErrorOut, "description": "No such plan or version."}}
UNAVAILABLE = {503: {"model": ErrorOut, "description": "The database cannot be reached."}}


def version_out(v: VersionRecord) -> dict[str, Any]:
    return {"plan_id": v.plan_id, "number": v.number, "status": v.status, "parent": v.parent,
            "author": v.author, "message": v.message, "created_at": v.created_at,
            "digest": v.digest, "stage": getattr(v, "stage", v.status),
            "group": getattr(v, "group_id", None), "title": getattr(v, "title", None),
            "published": bool(getattr(v, "published", True))}


def _guard(call: Callable[[], T]) -> T:
    """Store errors as HTTP errors: not found is a 404, an unreachable database a 503."""
    try:
        return call()
    except NotFoundError as exc:
        raise HTTPException(404, detail=str(exc)) from None
    except StoreError as exc:
        raise HTTPException(503, detail=str(exc)) from None
    except PlanError as exc:  # a stored version the loader no longer accepts
        raise HTTPException(500, detail=f"the stored plan does not load: {exc}") from None


def api_router(store: Store) -> APIRouter:
    """The read-only JSON API on ``store``; mount it with ``prefix="/api"``."""
    router = APIRouter(tags=["api"], responses=UNAVAILABLE)

    @lru_cache(maxsize=PLAN_CACHE)
    def load(plan_id: str, number: int) -> Plan:
        return store.load(plan_id, number)

    @lru_cache(maxsize=PLAN_CACHE * 4)
    def plan_json(plan_id: str, number: int) -> dict[str, Any]:
        return plan_to_dict(load(plan_id, number))

    @lru_cache(maxsize=PROJECTION_CACHE)
    def projection_json(plan_id: str, number: int, to: int | None) -> dict[str, Any]:
        return projection_to_dict(project(load(plan_id, number), to_year=to))

    process = Process(store)

    def resolve(request: Request, plan_id: str, number: int | None) -> VersionRecord:
        """The version if the caller may read it (the public: published versions only)."""
        return process.resolve(plan_id, number, current_user(request))[0]

    def plan_version(request: Request, plan_id: str, number: int | None) -> dict[str, Any]:
        v = resolve(request, plan_id, number)
        return {**plan_json(plan_id, v.number), "version": version_out(v)}

    def summaries(request: Request) -> list[dict[str, Any]]:
        out = []
        for p in store.plans():
            try:
                seen = process.visible(p.id, current_user(request))
            except NotFoundError:
                continue
            out.append({"id": p.id, "title": p.title,
                        "municipality": {"name": p.municipality, "number": p.number},
                        "latest_version": seen[-1].number, "latest_status": seen[-1].status})
        return out

    @router.get("/plans", response_model=list[PlanSummaryOut], summary="The plans")
    def plans(request: Request) -> list[dict[str, Any]]:
        """Every plan with a version the caller may read, with the newest such version."""
        return _guard(lambda: summaries(request))

    @router.get("/plans/{plan_id}", response_model=PlanOut, responses=NOT_FOUND,
                summary="A plan (its current version)")
    def plan(request: Request, plan_id: PlanId) -> dict[str, Any]:
        """The plan's current version: the newest adopted one, else the published
        proposal (never an alternative or a draft)."""
        return _guard(lambda: plan_version(request, plan_id, None))

    @router.get("/plans/{plan_id}/versions", response_model=list[VersionOut],
                responses=NOT_FOUND, summary="A plan's versions")
    def versions(request: Request, plan_id: PlanId) -> list[dict[str, Any]]:
        """The versions the caller may read, oldest first (the public: published ones)."""
        return [version_out(v) for v in _guard(
            lambda: process.visible(plan_id, current_user(request)))]

    @router.get("/plans/{plan_id}/versions/{number}", response_model=PlanOut,
                responses=NOT_FOUND, summary="One version of a plan")
    def version(request: Request, plan_id: PlanId, number: VersionNumber) -> dict[str, Any]:
        """The plan as it was in version ``number`` (404 if the caller may not read it)."""
        return _guard(lambda: plan_version(request, plan_id, number))

    @router.get("/plans/{plan_id}/projection", response_model=ProjectionOut,
                responses=NOT_FOUND, summary="A plan's projection")
    def projection(
        request: Request,
        plan_id: PlanId,
        to: Annotated[int | None, QueryParam(
            ge=FIRST_YEAR, le=LAST_YEAR,
            description="Last year to project: from the end of the plan period to "
            f"{LAST_YEAR} (default: the plan's horizon).")] = None,
        version: Annotated[int | None, QueryParam(
            ge=1, le=MAX_VERSION,
            description="The version to project (default: the current version).")] = None,
    ) -> dict[str, Any]:
        """The plan's finances projected year by year: income, expenses, debt, the net
        operating result, every rule checked, and the savings need."""

        def run() -> dict[str, Any]:
            v = resolve(request, plan_id, version)
            last = load(plan_id, v.number).period.last
            if to is not None and to < last:
                raise RequestValidationError([{
                    "type": "greater_than_equal", "loc": ("query", "to"),
                    "msg": f"Input should be greater than or equal to {last}, the last year "
                    "of the plan period", "input": to, "ctx": {"ge": last}}])
            return {**projection_json(plan_id, v.number, to), "version": version_out(v)}

        return _guard(run)

    return router
