"""The ``muniplan`` command group, which imports a command's module only when that command is
run or its help is shown.

Why: building every command at start-up imports every command module and makes Typer inspect
every function's parameters; a command then starts in the time of all of them. Here the top
level knows only the names of the commands, the module each lives in and the first paragraph
of each one's help, and builds one module's commands on first use. ``muniplan --help`` lists
every command from those paragraphs without importing any command module (the help panel shows
no more of a command than that); ``muniplan validate`` builds only the plan commands.

The group's own options (``--version``, ``--lang``) are taken as parsed: Typer checks every
option's value with pydantic, whose import alone costs more start-up than the rest of a
command's help.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import Any

import typer
import typer.main
from typer import _click
from typer.core import TyperCommand, TyperGroup, TyperOption

PACKAGE = "muniplan.cli"


def summary_command(name: str, summary: str) -> _click.Command:
    """A command as the group's help lists it: its name and the first paragraph of its help,
    nothing to run."""
    return TyperCommand(name=name, help=summary)


def build_module(module: str, markup_mode: Any) -> dict[str, _click.Command]:
    """Every command that ``muniplan.cli.<module>`` registers, built."""
    sub = typer.Typer(rich_markup_mode=markup_mode)
    importlib.import_module(f"{PACKAGE}.{module}").register(sub)
    return dict(typer.main.get_group(sub).commands)


class LazyCommands(MutableMapping[str, _click.Command]):
    """The group's commands by name; a command's module is imported when it is looked up."""

    def __init__(self, group: LazyGroup, modules: Mapping[str, str],
                 loaded: Mapping[str, _click.Command]) -> None:
        self._group = group
        self._modules = modules
        self._loaded: dict[str, _click.Command] = dict(loaded)

    def __getitem__(self, name: str) -> _click.Command:
        if name not in self._loaded:
            module = self._modules[name]  # a KeyError for a name no module has
            for key, command in build_module(module, self._group.rich_markup_mode).items():
                if key not in self._loaded:
                    _plain_help(command)
                    self._loaded[key] = command
                    if self._group.on_load is not None:
                        self._group.on_load(command)
        return self._loaded[name]

    def __setitem__(self, name: str, command: _click.Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        yield from self._modules
        yield from (name for name in self._loaded if name not in self._modules)

    def __len__(self) -> int:
        return len(self._modules.keys() | self._loaded.keys())

    def __contains__(self, name: object) -> bool:
        return name in self._modules or name in self._loaded


class RootOption(TyperOption):
    """An option of a group (``--version``, ``--lang``, ``--help``), taken as parsed: a flag
    and a word need no checking by pydantic (``--lang`` is checked before parsing)."""

    def process_value(self, ctx: _click.Context, value: Any) -> Any:
        if self.callback is not None:
            value = self.callback(ctx, self, value)
        return value


def _as_parsed(option: _click.Parameter | None) -> _click.Parameter | None:
    if type(option) is TyperOption:
        option.__class__ = RootOption
    return option


_PLAIN: dict[type, type] = {}


def _plain_help_class(cls: type[TyperGroup]) -> type[TyperGroup]:
    """``cls`` with its ``--help`` taken as parsed: a group in the way to a command
    (``excel`` in ``excel export``) would otherwise check its unused ``--help`` with
    pydantic."""
    def get_help_option(self: TyperGroup, ctx: _click.Context) -> _click.Parameter | None:
        return _as_parsed(cls.get_help_option(self, ctx))

    return type(cls.__name__, (cls,), {"get_help_option": get_help_option, "plain_help": True})


def _plain_help(command: _click.Command) -> None:
    """Give every group in ``command`` (itself included) a ``--help`` taken as parsed."""
    if not isinstance(command, TyperGroup):
        return
    cls = type(command)
    if not getattr(cls, "plain_help", False):
        command.__class__ = _PLAIN.setdefault(cls, _plain_help_class(cls))
    for child in command.commands.values():
        _plain_help(child)


class LazyGroup(TyperGroup):
    """A Typer group whose commands are named in ``modules`` (command → module under
    ``muniplan.cli`` with a ``register(app)``) and built on first use."""

    modules: Mapping[str, str] = {}
    summaries: Mapping[str, str] = {}
    plain_help = True

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.on_load: Callable[[_click.Command], None] | None = None
        self.commands = LazyCommands(self, self.modules, self.commands)
        self._listing = False
        for param in self.params:
            _as_parsed(param)

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        """The command named; while the group's help is written, a command not yet built is
        listed from its summary rather than built."""
        loaded = self.commands._loaded  # type: ignore[attr-defined]
        if self._listing and cmd_name not in loaded and cmd_name in self.summaries:
            listed = summary_command(cmd_name, self.summaries[cmd_name])
            if self.on_load is not None:
                self.on_load(listed)
            return listed
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return list(self.commands)

    def get_help_option(self, ctx: _click.Context) -> _click.Parameter | None:
        return _as_parsed(super().get_help_option(ctx))


def lazy_group(modules: Mapping[str, Mapping[str, str] | tuple[str, ...]]) -> type[LazyGroup]:
    """A :class:`LazyGroup` for ``{module: {command: summary, …}}``, the commands in that
    order; a module given as a tuple of names has no summaries, and the group's help then
    builds its commands to list them."""
    by_command = {command: module for module, commands in modules.items()
                  for command in commands}
    summaries = {command: summary for commands in modules.values()
                 if isinstance(commands, Mapping) for command, summary in commands.items()}
    return type("MuniplanGroup", (LazyGroup,), {"modules": by_command, "summaries": summaries})
