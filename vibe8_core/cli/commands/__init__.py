"""One module per command group; `vibe8_core.cli.main` finds them all, so adding a command touches no shared file.

To add a command, create `vibe8_core/cli/commands/<name>.py` with

    def register(sub: Subparsers) -> None:
        parser = sub.add_parser("name", help="...")
        parser.add_argument(...)
        parser.set_defaults(handler=cmd_name)          # the one-line registration

where `cmd_name(args, ctx) -> int` returns the exit code and raises `CliError` (or one of the
project's refusals) for a one-line refusal. An optional `validate=fn` default, `fn(args) -> str | None`,
runs before the database is opened and turns a returned sentence into a usage error.
Commands appear in `--help` in the order of their module names.
"""
