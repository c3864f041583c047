"""Everything the Streamlit pages need that is not drawing glue.

`resources` holds the process-wide Database and JobRunner, `session` says who is signed in,
`loaders` are the per-user cached reads (always through the repositories' owner checks),
`frames` shapes runs and file trees with pandas, `scores` names the ten scores, `stats` compares
groups of runs, and `charts` builds the plotly figures.
"""
