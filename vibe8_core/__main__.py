"""`python -m vibe8_core ...` entry point."""

import sys

from vibe8_core.cli import main

sys.exit(main())
