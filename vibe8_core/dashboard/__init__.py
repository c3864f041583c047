"""Everything the Streamlit pages need that is not drawing glue.

- `resources`: the process-wide Database (schema-checked) and the embedded JobRunner.
- `session`: who is signed in (local mode or Auth0), the one place pages ask for the user.
- `loaders`: per-user cached reads, always through the repositories' owner checks.
- `frames`: runs shaped with pandas; `trees`: file trees (the ten scores themselves: `vibe8_core.scoring`).
- `stats` and `compare`: Mann-Whitney U with Cliff's delta, grouping runs by author type or model.
- `charts`: the plotly figures; `progress` and `forms`: job progress in words, inline input checks.
- `widgets`: small pieces of Streamlit drawing the pages share.
"""
