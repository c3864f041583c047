"""`analyze PATH`: analyse a folder in this process and report it as text, JSON or SARIF, with quality
gates and an optional baseline (docs/CI.md); nothing is stored."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vibe8_core.analysis import analyze_folder, render_summary
from vibe8_core.cli.context import CliContext, CliError
from vibe8_core.cli.reporting import add_analyze_options, refusing, run_analyze

if TYPE_CHECKING:
    from vibe8_core.cli.context import Subparsers


def register(sub: Subparsers) -> None:
    analyze = sub.add_parser("analyze", help="analyse a folder and print the result")
    analyze.add_argument("path")
    analyze.add_argument("--json", action="store_true", help="the same as --format json")
    analyze.add_argument("--no-churn", action="store_true", help="skip the git history")
    add_analyze_options(analyze)
    analyze.set_defaults(handler=refusing(cmd_analyze))


def cmd_analyze(args: argparse.Namespace, ctx: CliContext) -> int:
    path = Path(args.path)
    if not path.exists():
        raise CliError(f"{args.path}: no such file or folder.")
    if not path.is_dir():
        raise CliError(f"{args.path}: analyze takes a folder (submit a single file with `submit --file`).")

    def analyse(folder: Path) -> Any:
        return analyze_folder(folder, settings=ctx.settings.engine, churn=not args.no_churn)

    return run_analyze(args, ctx, analyse, render_summary)
