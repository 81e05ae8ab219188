"""``muniplan users``: accounts and political groups, for the administrator at the server.

The first administrator can only be made here (the web site has no sign-up). A password is
read from a hidden prompt, asked twice, or with ``--password-stdin`` as the first line of
standard input (for scripts); it is never a command-line argument, where other users of the
machine could read it in the process list. Each change is written to the audit log as done
by ``cli:<the operating-system user>``.
"""

from __future__ import annotations

import getpass
import os
import sys
from enum import Enum
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from muniplan.cli.common import console, fail, print_json
from muniplan.cli.i18n import _
from muniplan.cli.store_commands import ListFormat, open_store, say

if TYPE_CHECKING:
    from muniplan.store.accounts import Accounts

ROLE_LABELS = {"finance": "økonomistab", "group": "politisk gruppe", "admin": "administrator"}


class Role(str, Enum):
    finance = "finance"
    group = "group"
    admin = "admin"


def register(app: typer.Typer) -> None:
    users = typer.Typer(name="users", no_args_is_help=True,
                        help="Accounts and political groups: add, list, disable, set a "
                        "password.")
    users.command("add")(add)
    users.command("list")(list_users)
    users.command("disable")(disable)
    users.command("set-password")(set_password)
    users.command("add-group")(add_group)
    users.command("groups")(list_groups)
    users.command("audit")(audit_log)
    app.add_typer(users)


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return f"cli:uid-{os.getuid()}"


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            fail("--password-stdin: standard input was empty (expected the password on "
                 "its first line)")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        fail("no terminal to ask for the password: pipe it in with --password-stdin")
    first = getpass.getpass(_("Passord: "))
    if getpass.getpass(_("Gjenta passordet: ")) != first:
        fail("the two passwords differ; nothing was changed")
    return first


STDIN_HELP = "Read the password from the first line of standard input instead of a prompt."


def add(
    username: str = typer.Argument(..., help="Login name: lowercase letters, digits, . _ -"),
    role: Role = typer.Option(..., "--role", help="finance, group or admin"),
    name: str = typer.Option("", "--name", help="The person's full name, shown on pages."),
    group: str | None = typer.Option(None, "--group", help="The political group (role group)."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help=STDIN_HELP),
) -> None:
    """Add an account (the password is asked for, never given as an argument)."""
    with open_store() as store:
        accounts = _accounts(store)
        store._ready()
        user = accounts.add_user(username, name or username, _password(password_stdin),
                                 role.value, group, actor=_actor())
    say(f"[green]added[/] {user.username} ({_(ROLE_LABELS[user.role])}"
        + (f", {user.group_id}" if user.group_id else "") + ")")


def list_users(fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f",
                                              help="table or json")) -> None:
    """List the accounts: name, role, group, active."""
    with open_store() as store:
        users = _accounts(store).users()
    if fmt is ListFormat.json:
        print_json([{"username": u.username, "name": u.display_name, "role": u.role,
                     "group": u.group_id, "active": u.active} for u in users])
        return
    if not users:
        say("no accounts yet: add the first administrator with "
            "`muniplan users add NAME --role admin`")
        return
    table = Table(*map(_, ("Brukernavn", "Navn", "Rolle", "Gruppe", "Aktiv")))
    for u in users:
        table.add_row(u.username, u.display_name, _(ROLE_LABELS[u.role]), u.group_id or "",
                      _("ja") if u.active else _("nei"))
    console.print(table)


def disable(username: str = typer.Argument(..., help="The account to disable.")) -> None:
    """Disable an account; its sessions end at once."""
    with open_store() as store:
        _accounts(store).disable(username, actor=_actor())
    say(f"[green]disabled[/] {username}")


def set_password(
    username: str = typer.Argument(..., help="The account."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help=STDIN_HELP),
) -> None:
    """Set a new password (and enable the account); its sessions end."""
    with open_store() as store:
        accounts = _accounts(store)
        accounts.user(username)
        accounts.set_password(username, _password(password_stdin), actor=_actor())
    say(f"[green]new password set[/] for {username}")


def add_group(
    group_id: str = typer.Argument(..., help="Short id, e.g. ap or h."),
    name: str = typer.Option(..., "--name", help="The group's name, e.g. 'Høyres gruppe'."),
) -> None:
    """Add a political group."""
    with open_store() as store:
        group = _accounts(store).add_group(group_id, name, actor=_actor())
    say(f"[green]added group[/] {group.id}: {group.name}")


def list_groups() -> None:
    """List the political groups."""
    with open_store() as store:
        groups = _accounts(store).groups()
    for g in groups:
        say(f"{g.id}\t{g.name}")
    if not groups:
        say("no groups yet: `muniplan users add-group ID --name NAME`")


def audit_log(limit: int = typer.Option(50, "--limit", min=1, max=10_000,
                                         help="How many entries, the newest first.")) -> None:
    """Show the newest entries of the audit log: when, who, what, on what."""
    with open_store() as store:
        rows = _accounts(store).audit_log(limit)
    table = Table(*map(_, ("Tid (UTC)", "Hvem", "Hva", "På")))
    for r in rows:
        table.add_row(r.at.strftime("%Y-%m-%d %H:%M:%S"), r.actor, _(r.action),
                      _target(r.target))
    console.print(table)


def _target(target: str) -> str:
    """``user:kari`` as the reader's words: ``bruker kari``."""
    kind, sep, name = target.partition(":")
    return f"{_(kind)} {name}" if sep else target


def _accounts(store: object) -> Accounts:
    """The store's accounts, imported here so that other commands start without the store."""
    from muniplan.store.accounts import Accounts

    return Accounts(store)  # type: ignore[arg-type]
