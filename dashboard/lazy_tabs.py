"""Tab contents built when first shown, then kept: a tab switch costs one index, not a re-render.

Panel's ``Tabs(dynamic=True)`` renders only the active tab and puts an empty spacer in the
place of every other one.  Measured in the load bench (``python -m bench.bench_load
--profile``, summarised by ``python -m bench.profile_stacks``; bench/README.md, "Load"):
every switch then re-serialises the tab shown, a few hundred Bokeh models, also when it was
shown before, and drops the one left from the document: ~0.4 s of server CPU per switch.

Here the tab set is an ordinary (non-dynamic) ``pn.Tabs`` whose tabs are light holders
(:class:`LazyTabContents`): a holder shows a short "building" text until its tab is first
shown, and its content is built then (a session builds only what its user looks at) and kept.
Showing a tab again only changes the tab set's ``active`` index, which the browser already
did; the server sends nothing.  A first visit still costs the build and Panel's adding of
the new models to the page (together ~0.7 s of server CPU per tab in the load bench).

The "building" text is what the user sees while the server builds the tab: the browser has
it already and shows it at once on the click, for that user only.  (Panel's global busy
indicator, off in this app, patches every session of the process whenever any of them is
busy.)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import panel as pn

log = logging.getLogger(__name__)

BUILDING_TEXT = "Building this tab…"
FAILED_TEXT = "This tab could not be built (details in the server log)."
PLACEHOLDER_STYLE = {"color": "#555", "font-size": "15px"}


def placeholder(text: str = BUILDING_TEXT) -> pn.pane.HTML:
    """What a tab shows until it is built (a new pane per tab and session)."""
    return pn.pane.HTML(f"<p>{text}</p>", styles=PLACEHOLDER_STYLE, margin=(24, 24),
                        sizing_mode="stretch_width")


class LazyTabContents:
    """One holder per tab (``holders``: put them in a ``pn.Tabs``), each filled by its
    ``builders`` function the first time :meth:`show` is called with its index."""

    def __init__(self, builders: Sequence[Callable[[], object]]):
        self.builders = list(builders)
        self.holders = [pn.Column(placeholder(), sizing_mode="stretch_both")
                        for _ in self.builders]
        self.built: set[int] = set()

    def show(self, index: int) -> bool:
        """Build tab ``index`` unless built before; True if it was built now.  A builder that
        raises leaves a short text in its tab (the error is logged, the session lives on)."""
        if index in self.built or not 0 <= index < len(self.holders):
            return False
        self.built.add(index)
        try:
            content = self.builders[index]()
        except Exception:  # noqa: BLE001  (no traceback in the page)
            log.exception("tab %d could not be built", index)
            content = placeholder(FAILED_TEXT)
        self.holders[index].objects = [content]
        return True
