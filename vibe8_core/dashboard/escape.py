"""The one place user-controlled text is made inert for the pages.

File and folder names, project names, source labels, parse errors and job messages come from strangers.
Streamlit renders Markdown (links, images, `:red[...]` colour directives, `:material/...:` icons, LaTeX,
bare URLs) in st.markdown, captions, alerts and most widget labels, and plotly renders a subset of HTML
(`<a href>`, `<br>`, `<b>`) in chart labels and hovers. Pages pass every such string through `md` or
`label` here and nowhere else, so a name is only ever shown as the characters it is.
"""

from __future__ import annotations

import html
import re
from typing import Any

# Every ASCII punctuation character can be backslash-escaped in CommonMark; escaping all of them turns
# off links, images, emphasis, code spans, HTML, Streamlit's directives (":") and autolinks ("://", "www.").
_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def md(value: Any) -> str:
    """`value` as text that Markdown shows literally, on one line."""
    text = _LINE_BREAKS.sub(" ", str(value))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def label(value: Any) -> str:
    """`value` as text that plotly shows literally in a label, hover or title (its HTML is inert)."""
    return html.escape(str(value), quote=False)


def labels(values: Any) -> list[str]:
    """`label` of each value (a column of names for a chart)."""
    return [label(value) for value in values]
