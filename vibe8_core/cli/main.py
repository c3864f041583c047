"""The parser (assembled from every module in `vibe8_core.cli.commands`) and the one place refusals are printed."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import sys
from collections.abc import Sequence

from vibe8_core.analysis import NoPythonFilesError
from vibe8_core.cli import commands
from vibe8_core.cli.context import CliContext, CliError, Handler
from vibe8_core.config import load_settings
from vibe8_core.serve import ServeError
from vibe8_core.service import REFUSALS, user_message
from vibe8_core.store import DatabaseFailedError
from vibe8_core.terminal import safe_output

EXIT_REFUSED = 2
# What a command may refuse with: printed as one line, exit EXIT_REFUSED.
REFUSED: tuple[type[Exception], ...] = (CliError, NoPythonFilesError, ServeError, *REFUSALS)


def build_parser() -> argparse.ArgumentParser:
    """Every command module's `register(sub)`, in module-name order."""
    parser = argparse.ArgumentParser(prog="python -m vibe8_core", description="Vibe8 code-quality analysis")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"{commands.__name__}.{info.name}").register(sub)
    return parser


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's final flush does not fail on the closed pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; everything it prints passes `vibe8_core.terminal` (names can hold escapes)."""
    with safe_output():
        return _run(argv)


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    validate = getattr(args, "validate", None)
    problem = validate(args) if validate is not None else None
    if problem:
        parser.error(problem)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    handler: Handler = args.handler
    ctx: CliContext | None = None
    try:
        ctx = CliContext(load_settings())
        status = handler(args, ctx)
        sys.stdout.flush()  # here, where a closed pipe is caught, not at the interpreter's exit
        return status
    except BrokenPipeError:  # the reader went away (`jobs | head -1`): not an error of ours
        _silence_stdout()
        return 0
    except DatabaseFailedError as exc:  # the database went away mid-command
        print(f"vibe8: the database failed during the command: {exc.reason}", file=sys.stderr)
    except REFUSED as exc:
        print(f"vibe8: {user_message(exc)}", file=sys.stderr)
    finally:
        if ctx is not None:
            ctx.close()
    return EXIT_REFUSED
