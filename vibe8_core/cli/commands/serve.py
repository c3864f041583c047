"""`serve`: the dashboard and its job runner in one process (what `make run` starts)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from vibe8_core.cli.context import CliContext
from vibe8_core.serve import ServeOptions, serve

if TYPE_CHECKING:
    from vibe8_core.cli.context import Subparsers


def register(sub: Subparsers) -> None:
    parser = sub.add_parser("serve", help="serve the dashboard with its own job runner (what `make run` does)")
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--address", default="", help="interface to listen on (default: all)")
    parser.set_defaults(handler=cmd_serve)


def cmd_serve(args: argparse.Namespace, ctx: CliContext) -> int:
    return serve(ctx.settings, ServeOptions(port=args.port, address=args.address))
