"""`python -m vibe8_core ...`: the same operations the app uses, for the shell and for workers.

Every refusal is one line on stderr and a non-zero exit; findings in an analysis are not failures.
Each command lives in its own module under `vibe8_core/cli/commands/` (see that package's docstring).
"""

from vibe8_core.cli.main import EXIT_REFUSED, main

__all__ = ["EXIT_REFUSED", "main"]
