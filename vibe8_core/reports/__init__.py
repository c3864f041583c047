"""What Vibe8 hands to other tools and to CI: SARIF, quality gates, baselines and run diffs, run
export/import, database backups and status badges. Everything here reads a run's stored JSON
(`metrics`, `file_tree`), so a report of a fresh analysis and of a stored run are the same code."""
