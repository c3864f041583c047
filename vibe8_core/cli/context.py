"""What every command shares: the settings, the service opened on first use, output helpers."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from vibe8_core.config import Settings
from vibe8_core.service import Service
from vibe8_core.store import Database

if TYPE_CHECKING:
    # typeshed's name for what `ArgumentParser.add_subparsers()` returns
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]

Handler = Callable[[argparse.Namespace, "CliContext"], int]


class CliError(Exception):
    """A refusal for the command line: printed as one line."""


class CliContext:
    """The settings, and the service (its database opened and schema-checked) on first use, closed at exit."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._service: Service | None = None

    @property
    def service(self) -> Service:
        if self._service is None:
            self._service = Service.open(self.settings)
        return self._service

    @property
    def db(self) -> Database:
        """The service's database, for the commands that are not use cases (the worker)."""
        return self.service.db

    def close(self) -> None:
        if self._service is not None:
            self._service.close()


def dump(data: Any) -> None:
    """Print `data` as indented JSON on stdout (dates and UUIDs as strings)."""
    json.dump(data, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


def add_user_command(sub: Subparsers, name: str, help: str, handler: Handler) -> argparse.ArgumentParser:
    """A command about one user's records: `name --user EMAIL [--json]`, handled by `handler`."""
    parser = sub.add_parser(name, help=help)
    parser.add_argument("--user", required=True, metavar="EMAIL")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=handler)
    return parser


def add_record_command(sub: Subparsers, name: str, help: str, id_arg: str, handler: Handler) -> None:
    """A command acting on one of a user's records: `name ID --user EMAIL`, handled by `handler`."""
    parser = sub.add_parser(name, help=help)
    parser.add_argument(id_arg)
    parser.add_argument("--user", required=True, metavar="EMAIL")
    parser.set_defaults(handler=handler)
