"""Accounts, groups, logins and the audit log (OWASP ASVS level 1, chapters 2 and 3).

Passwords are kept only as argon2id hashes and checked in constant time against a dummy
hash when the name is unknown, so a login does not tell which names exist. A session is a
random 256-bit token in a cookie; the database keeps its SHA-256, a CSRF secret, when it
began and when it was last used; it ends after :data:`IDLE` without use or :data:`ABSOLUTE`
after login, at logout, when the password changes and when the account is disabled.
Failed logins are counted per name and per address; past :data:`MAX_FAILURES_PER_NAME` in
:data:`THROTTLE_WINDOW` the name is refused even with the right password until the window
has passed. Every write here is one transaction that also writes its audit row.

    accounts = Accounts(store)
    accounts.add_group("ap", "Arbeiderpartiets gruppe", actor="cli")
    accounts.add_user("kari", "Kari Nordmann", "et langt passord", "group", group_id="ap",
                      actor="cli")
    login = accounts.login("kari", "et langt passord", address="127.0.0.1")
    who = accounts.session(login.token)        # None once expired or logged out
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from muniplan.store.errors import StoreError
from muniplan.store.process_schema import (
    NAME_LENGTH,
    ROLES,
    AuditRow,
    GroupRow,
    LoginFailureRow,
    SessionRow,
    UserRow,
)

IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_ADDRESS = 50
SEEN_RESOLUTION = timedelta(seconds=60)
MIN_PASSWORD = 12
MAX_PASSWORD = 128
NAME_PATTERN = "lowercase letters, digits, '.', '_' or '-', 1–64 characters"

HASH_PROFILE_ENV = "MUNIPLAN_ARGON2_PROFILE"
"""``cheapest`` makes hashing fast for the test suite only; unset, argon2-cffi's default
(argon2id, RFC 9106 low-memory profile: 64 MiB, 3 passes, 4 lanes) is used."""


def hasher_for(profile: str | None) -> PasswordHasher:
    if profile == "cheapest":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher()


@functools.cache
def _hashing() -> tuple[PasswordHasher, str]:
    hasher = hasher_for(os.environ.get(HASH_PROFILE_ENV))
    return hasher, hasher.hash("muniplan: no such user")


class AccountError(StoreError):
    """A request about accounts that cannot be done (unknown user, weak password…)."""


class LoginRefused(AccountError):
    """Wrong name or password, a disabled account, or too many failures (``throttled``)."""

    def __init__(self, message: str, throttled: bool = False) -> None:
        super().__init__(message)
        self.throttled = throttled


@dataclass(frozen=True)
class UserRecord:
    id: int
    username: str
    display_name: str
    role: str
    group_id: str | None
    active: bool


@dataclass(frozen=True)
class GroupRecord:
    id: str
    name: str


@dataclass(frozen=True)
class Login:
    """A new session: the cookie's token and the form secret, shown once."""

    user: UserRecord
    token: str
    csrf: str


@dataclass(frozen=True)
class SessionInfo:
    user: UserRecord
    csrf: str
    token_hash: str


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    actor: str
    action: str
    target: str
    detail: dict[str, Any] | None


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user(row: UserRow) -> UserRecord:
    return UserRecord(row.id, row.username, row.display_name, row.role, row.group_id,
                      row.active)


def check_name(name: str, what: str = "username") -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,63}", name or ""):
        raise AccountError(f"{what}: expected {NAME_PATTERN}, found {name!r}")
    return name


def check_password(password: str) -> str:
    """ASVS 2.1.1–2.1.2: at least 12 characters, at most 128, any characters (no rules
    on composition, which make passwords weaker, not stronger)."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password is too short: expected at least {MIN_PASSWORD} "
                           f"characters, found {len(password)}")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"the password is too long: expected at most {MAX_PASSWORD} "
                           f"characters, found {len(password)}")
    return password


def audit(session: Session, actor: UserRecord | str, action: str, target: str,
          **detail: Any) -> None:
    """Write one audit row in the caller's transaction (so it lands with the write)."""
    user_id = actor.id if isinstance(actor, UserRecord) else None
    name = actor.username if isinstance(actor, UserRecord) else actor
    session.add(AuditRow(at=_now(), user_id=user_id, actor=name, action=action,
                         target=target,
                         detail=json.dumps(detail, ensure_ascii=False, default=str)
                         if detail else None))


class Accounts:
    """Users, groups, sessions and the audit log of one :class:`~muniplan.store.Store`."""

    def __init__(self, store: Any) -> None:
        self.store = store

    # --- groups ---------------------------------------------------------------------------
    def add_group(self, group_id: str, name: str, actor: UserRecord | str) -> GroupRecord:
        check_name(group_id, "the group's short name")
        if not name.strip():
            raise AccountError("group name: expected a name, found nothing")
        with self.store._write() as s:
            if s.get(GroupRow, group_id) is not None:
                raise AccountError(f"the group {group_id!r} exists already")
            s.add(GroupRow(id=group_id, name=name.strip(), created_at=_now()))
            audit(s, actor, "group.add", f"group:{group_id}", name=name.strip())
        return GroupRecord(group_id, name.strip())

    def groups(self) -> list[GroupRecord]:
        with self.store._read() as s:
            return [GroupRecord(g.id, g.name)
                    for g in s.scalars(select(GroupRow).order_by(GroupRow.id))]

    # --- users ----------------------------------------------------------------------------
    def add_user(self, username: str, display_name: str, password: str, role: str,
                 group_id: str | None = None, *, actor: UserRecord | str) -> UserRecord:
        check_name(username)
        check_password(password)
        if role not in ROLES:
            raise AccountError(f"role: expected one of {', '.join(ROLES)}, found {role!r}")
        if (role == "group") != (group_id is not None):
            raise AccountError("a member of a political group (role 'group') needs --group, "
                               "and only such a member has one")
        with self.store._write() as s:
            if s.scalar(select(UserRow.id).where(UserRow.username == username)) is not None:
                raise AccountError(f"the user {username!r} exists already")
            if group_id is not None and s.get(GroupRow, group_id) is None:
                raise AccountError(f"no group {group_id!r} (add it with "
                                   "`muniplan users add-group`)")
            now = _now()
            row = UserRow(username=username, display_name=display_name.strip() or username,
                          password_hash=_hashing()[0].hash(password), role=role, group_id=group_id,
                          active=True, created_at=now, password_changed_at=now)
            s.add(row)
            s.flush()
            audit(s, actor, "user.add", f"user:{username}", role=role, group=group_id)
            return _user(row)

    def users(self) -> list[UserRecord]:
        with self.store._read() as s:
            return [_user(u) for u in s.scalars(select(UserRow).order_by(UserRow.username))]

    def user(self, username: str) -> UserRecord:
        with self.store._read() as s:
            row = s.scalar(select(UserRow).where(UserRow.username == username))
            if row is None:
                raise AccountError(f"no user {username!r}")
            return _user(row)

    def _row(self, s: Session, username: str) -> UserRow:
        row = s.scalar(select(UserRow).where(UserRow.username == username)
                       .with_for_update())
        if row is None:
            raise AccountError(f"no user {username!r}")
        return row

    def disable(self, username: str, *, actor: UserRecord | str) -> None:
        """Disable the account and end its sessions."""
        with self.store._write() as s:
            row = self._row(s, username)
            row.active = False
            s.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
            audit(s, actor, "user.disable", f"user:{username}")

    def set_password(self, username: str, password: str, *,
                     actor: UserRecord | str) -> None:
        """A new password ends every session of the account (ASVS 3.3.3 at level 2, cheap
        enough to do here)."""
        check_password(password)
        with self.store._write() as s:
            row = self._row(s, username)
            row.password_hash = _hashing()[0].hash(password)
            row.password_changed_at = _now()
            row.active = True
            s.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
            audit(s, actor, "user.set_password", f"user:{username}")

    # --- login and sessions --------------------------------------------------------------
    def login(self, username: str, password: str, address: str) -> Login:
        """A new session for the right name and password; :class:`LoginRefused` otherwise.
        The message never says which of the two was wrong."""
        name = (username or "").strip().lower()[:NAME_LENGTH]
        address = (address or "?")[:64]
        now = _now()
        with self.store._write() as s:
            refused = self._check_login(s, name, password, address, now)
            if refused is None:
                return self._open_session(s, name, password, address, now)
        raise refused  # after the commit, so the failure is counted

    def _check_login(self, s: Session, name: str, password: str, address: str,
                     now: datetime) -> LoginRefused | None:
        since = now - THROTTLE_WINDOW
        by_name = s.scalar(select(func.count()).select_from(LoginFailureRow).where(
            LoginFailureRow.username == name, LoginFailureRow.at > since)) or 0
        by_address = s.scalar(select(func.count()).select_from(LoginFailureRow).where(
            LoginFailureRow.address == address, LoginFailureRow.at > since)) or 0
        if by_name >= MAX_FAILURES_PER_NAME or by_address >= MAX_FAILURES_PER_ADDRESS:
            audit(s, name or "?", "login.throttled", f"user:{name}", address=address)
            return LoginRefused("too many failed logins", throttled=True)
        row = s.scalar(select(UserRow).where(UserRow.username == name))
        ok = _verify(row.password_hash if row else _hashing()[1], password)
        if not ok or row is None or not row.active:
            s.add(LoginFailureRow(username=name, address=address, at=now))
            audit(s, name or "?", "login.failed", f"user:{name}", address=address)
            return LoginRefused("wrong username or password")
        return None

    def _open_session(self, s: Session, name: str, password: str, address: str,
                      now: datetime) -> Login:
        row = s.scalar(select(UserRow).where(UserRow.username == name))
        assert row is not None
        if _hashing()[0].check_needs_rehash(row.password_hash):
            row.password_hash = _hashing()[0].hash(password)
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        s.add(SessionRow(id=token_hash(token), user_id=row.id, csrf=csrf,
                         created_at=now, seen_at=now))
        s.execute(delete(LoginFailureRow).where(LoginFailureRow.username == name))
        s.execute(delete(SessionRow).where(SessionRow.user_id == row.id,
                                           SessionRow.created_at < now - ABSOLUTE))
        audit(s, _user(row), "login", f"user:{name}", address=address)
        return Login(_user(row), token, csrf)

    def session(self, token: str | None, now: datetime | None = None) -> SessionInfo | None:
        """The live session of ``token``, else None (expired sessions are removed)."""
        if not token or len(token) > 128:
            return None
        now = now or _now()
        key = token_hash(token)
        with self.store._read() as s:
            found = s.execute(select(SessionRow, UserRow).join(
                UserRow, UserRow.id == SessionRow.user_id).where(SessionRow.id == key)).first()
        if found is None:
            return None
        sess, user = found
        created, seen = _utc(sess.created_at), _utc(sess.seen_at)
        if not user.active or now - seen > IDLE or now - created > ABSOLUTE:
            self.end(token)
            return None
        if now - seen > SEEN_RESOLUTION:
            with self.store._write() as s:
                row = s.get(SessionRow, key)
                if row is not None:
                    row.seen_at = now
        return SessionInfo(_user(user), sess.csrf, key)

    def end(self, token: str, actor: UserRecord | None = None) -> None:
        """Log out: the session is gone from the database, not just from the cookie."""
        with self.store._write() as s:
            s.execute(delete(SessionRow).where(SessionRow.id == token_hash(token)))
            if actor is not None:
                audit(s, actor, "logout", f"user:{actor.username}")

    # --- audit ----------------------------------------------------------------------------
    def audit_log(self, limit: int = 100) -> list[AuditRecord]:
        with self.store._read() as s:
            rows = s.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit))
            return [AuditRecord(_utc(r.at), r.actor, r.action, r.target,
                                json.loads(r.detail) if r.detail else None) for r in rows]


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hashing()[0].verify(hashed, password[:MAX_PASSWORD * 4])
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
