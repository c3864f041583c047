"""Vibe8's core: sources → collectors → analysis → store, plus the job runner, auth and the CLI."""
