"""`analyze PATH`: analyse a folder in this process and print the result; nothing is stored."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from vibe8_core.analysis import analyze_folder, render_summary
from vibe8_core.cli.context import CliContext, CliError, dump

if TYPE_CHECKING:
    from vibe8_core.cli.context import Subparsers


def register(sub: Subparsers) -> None:
    analyze = sub.add_parser("analyze", help="analyse a folder and print the result")
    analyze.add_argument("path")
    analyze.add_argument("--json", action="store_true", help="print {metrics, file_tree, errors} as JSON")
    analyze.add_argument("--no-churn", action="store_true", help="skip the git history")
    analyze.set_defaults(handler=cmd_analyze)


def cmd_analyze(args: argparse.Namespace, ctx: CliContext) -> int:
    path = Path(args.path)
    if not path.exists():
        raise CliError(f"{args.path}: no such file or folder.")
    if not path.is_dir():
        raise CliError(f"{args.path}: analyze takes a folder (submit a single file with `submit --file`).")
    result = analyze_folder(path, settings=ctx.settings.engine, churn=not args.no_churn)
    if args.json:
        dump(result.to_dict())
    else:
        print(render_summary(result))
    return 0
