"""Citizens' submissions and comments in the store, on SQLite and PostgreSQL: stored whole,
moderated, purged, and every bad value refused before it reaches a column."""

from __future__ import annotations

import pytest
from store_fixtures import (  # noqa: F401
    baerum_files_fixture,
    fresh_postgres_fixture,
    store_fixture,
    store_url_fixture,
)

from muniplan.store import StoreError
from muniplan.store.citizens import CitizenStore

PLAN = "baerum-2018-2021"


@pytest.fixture()
def citizens(store, baerum_files) -> CitizenStore:
    store.import_files(baerum_files, status="adopted")
    return CitizenStore(store)


def test_a_submission_round_trips_and_waits_for_moderation(citizens: CitizenStore) -> None:
    sid = citizens.add_submission(PLAN, 1, {"ramme-barn-og-unge": -2.5, "utsettelse": 1},
                                  comment="  Mer til skolen  ", postcode="1337",
                                  age_group="30-49")
    [s] = citizens.submissions(PLAN)
    assert (s.id, s.choices, s.comment, s.postcode, s.age_group, s.status) == (
        sid, {"ramme-barn-og-unge": -2.5, "utsettelse": 1.0}, "Mer til skolen", "1337",
        "30-49", "pending")
    assert s.created_at.tzinfo is not None
    citizens.moderate_submission(sid, "published", by="ola")
    [s] = citizens.submissions(PLAN, status="published")
    assert s.moderated_by == "ola"


def test_comments_on_the_plan_s_parts(citizens: CitizenStore) -> None:
    a = citizens.add_comment(PLAN, 1, "investment", "bekkestua-skole", "Bra prosjekt")
    b = citizens.add_comment(PLAN, 1, "priority", "klimaklok", "Mer sykkel")
    citizens.moderate_comment(b, "rejected", by="kari")
    assert [c.id for c in citizens.comments(PLAN, status="pending")] == [a]
    assert [c.status for c in citizens.comments(PLAN)] == ["pending", "rejected"]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"comment": "x" * 1001}, "at most 1000 characters"),
    ({"comment": "a\x00b"}, "NUL"),
    ({"postcode": "13a7"}, "four digits"),
    ({"postcode": "12345"}, "four digits"),
    ({"age_group": "teen"}, "age group"),
])
def test_bad_submissions_are_refused_and_nothing_written(citizens: CitizenStore, kwargs,
                                                         message: str) -> None:
    with pytest.raises(StoreError, match=message):
        citizens.add_submission(PLAN, 1, {"utsettelse": 1}, **kwargs)
    assert citizens.submissions(PLAN) == []


@pytest.mark.parametrize("choices", [{"x": float("nan")}, {"x": float("inf")},
                                     {f"l{i}": 1 for i in range(201)}, {"": 1}])
def test_bad_choices_are_refused(citizens: CitizenStore, choices) -> None:
    with pytest.raises(StoreError, match="choices"):
        citizens.add_submission(PLAN, 1, choices)


def test_bad_comments_and_moderation_are_refused(citizens: CitizenStore) -> None:
    with pytest.raises(StoreError, match="target"):
        citizens.add_comment(PLAN, 1, "person", "x", "hei")
    with pytest.raises(StoreError, match="some text"):
        citizens.add_comment(PLAN, 1, "plan", PLAN, "   ")
    with pytest.raises(StoreError, match="no plan"):
        citizens.add_comment("finnes-ikke", 1, "plan", "x", "hei")
    cid = citizens.add_comment(PLAN, 1, "plan", PLAN, "hei")
    with pytest.raises(StoreError, match="status"):
        citizens.moderate_comment(cid, "deleted", by="ola")
    with pytest.raises(StoreError, match="nothing to moderate"):
        citizens.moderate_comment(cid + 99, "published", by="ola")


def test_purge_deletes_what_is_older(citizens: CitizenStore) -> None:
    citizens.add_submission(PLAN, 1, {"utsettelse": 1})
    citizens.add_comment(PLAN, 1, "plan", PLAN, "hei")
    assert citizens.purge(older_than_days=30) == 0
    assert citizens.purge(older_than_days=0) == 2
    assert citizens.submissions(PLAN) == [] and citizens.comments(PLAN) == []
