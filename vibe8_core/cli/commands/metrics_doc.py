"""`metrics-doc`: write docs/METRICS.md's per-collector tables from the registry (`--check`: only say
whether they are current)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from vibe8_core.cli.context import CliContext, CliError
from vibe8_core.collectors.declarations_doc import METRICS_DOC, refreshed

if TYPE_CHECKING:
    from vibe8_core.cli.context import Subparsers


def register(sub: Subparsers) -> None:
    command = sub.add_parser("metrics-doc", help="write docs/METRICS.md's per-collector tables from the registry")
    command.add_argument("--check", action="store_true", help="exit 1 when the tables are not current")
    command.set_defaults(handler=cmd_metrics_doc)


def cmd_metrics_doc(args: argparse.Namespace, ctx: CliContext) -> int:
    try:
        current = METRICS_DOC.read_text(encoding="utf-8")
        wanted = refreshed(current)
    except (OSError, ValueError) as exc:
        raise CliError(f"{METRICS_DOC}: {exc}") from None
    if args.check:
        state = "current" if wanted == current else "stale: run python -m vibe8_core metrics-doc"
        print(f"{METRICS_DOC.name}: {state}")
        return 0 if wanted == current else 1
    if wanted != current:
        METRICS_DOC.write_text(wanted, encoding="utf-8")
    print(f"{METRICS_DOC.name}: {'rewritten' if wanted != current else 'already current'}")
    return 0
