"""The nuEM Explorer app shell: a template with one tab per entry of :data:`dashboard.tabs.TABS`.

Served by ``panel serve dashboard/app.py`` or ``python -m dashboard``.
"""

from __future__ import annotations

from functools import partial

import holoviews as hv
import panel as pn

from dashboard.formula_notes import formula_note
from dashboard.lazy_tabs import LazyTabContents
from dashboard.scenarios import tour
from dashboard.tabs import TABS
from dashboard.tour import Tour
from dashboard.url_state import UrlState
from dashboard import (collector, container_owners, document_models, repaint_guard, server_guard,
                       stable_defaults, widget_guard)

ABOUT = """
**νEM Explorer** shows what an electromagnetic neutrino would do: magnetic moment μν,
millicharge qν and charge radius ⟨r²⟩.

Formulas: Giunti & Studenikin, RMP 87, 531 (2015); Studenikin, ICHEP 2014 review;
Kouzakov & Studenikin (2011, 2017). Model code: the `model` package.
"""

# The tab titles wrap onto a second line in a narrow window instead of scrolling sideways.
TAB_HEADER_CSS = ".bk-headers-wrapper { flex-wrap: wrap; overflow-x: visible; }"

# MathJax (bundled with Bokeh, served locally) typesets the formula notes' TeX.
pn.extension("mathjax", notifications=False, design="bootstrap")
hv.extension("bokeh", logo=False)
stable_defaults.install()  # Bokeh's unchanging defaults computed once per class, not per read
container_owners.install()  # no owner set made for each list/dict property value


def _tab_builder(url: UrlState, tab, presenting):
    """A function that builds the tab's content: its view with the link's values for it
    applied, the session's projector mode, its formula note and a notice for refused values."""

    def build():
        view = tab()
        notice = url.attach(tab.key, view)
        if presenting():
            view.set_presentation(True)
        return pn.Column(notice, formula_note(tab.note), view, sizing_mode="stretch_both")

    return _in_session_document(widget_guard.guarded(build))


def _in_session_document(build):
    # A tab shown later is built in a callback, where bokeh's curdoc() is the process-wide
    # document: HoloViews would register its plots' cleanup there, and they would outlive the
    # session (a leak of ~3 MB per session, bench/bench_load.py).
    def build_in_session():
        if pn.state.curdoc is None:
            return build()
        # (not Bokeh's patch_curdoc, which leaves the document patched if build raises)
        with server_guard.restoring_patch_curdoc(pn.state.curdoc):
            return build()

    return build_in_session


@server_guard.protected  # Host allow-list, session cap, tolerant URL parsing, guarded widgets
def create_app(tabs=TABS) -> pn.template.BootstrapTemplate:
    """Build one session's app: the template, its tabs (``tabs``: view classes, by default
    the registry's), and their link to the URL."""
    location = pn.state.location if pn.state.curdoc is not None else None
    url = UrlState(location.search if location is not None else "",
                   {tab.key: tab.URL_FIELDS for tab in tabs}, location)
    keys = [tab.key for tab in tabs]
    present = pn.widgets.Toggle(label="Projector mode", value=url.app_values.get("present") == "1",
                                color="light", width=150)
    # Each tab is built when first shown and then kept (dashboard.lazy_tabs: a switch back
    # sends nothing); the tab the link opens is built with the page.
    lazy = LazyTabContents([_tab_builder(url, tab, lambda: present.value) for tab in tabs])
    tab_panel = pn.Tabs(*[(tab.title, holder) for tab, holder in zip(tabs, lazy.holders)],
                        sizing_mode="stretch_both", active=keys.index(url.tab),
                        stylesheets=[TAB_HEADER_CSS])
    lazy.show(tab_panel.active)

    def show_tab(event):
        lazy.show(event.new)
        url.show_tab(keys[event.new])

    tab_panel.param.watch(show_tab, "active")

    def presentation(event):
        url.set_app_value("present", "1" if event.new else "0")
        for view in url.views.values():
            view.set_presentation(event.new)

    present.param.watch(presentation, "value")
    if pn.state.curdoc is not None:
        repaint_guard.install(pn.state.curdoc)
        document_models.install(pn.state.curdoc)  # walks and messages that grew with the page
        collector.track_session(pn.state.curdoc)  # when closed sessions are collected
    main = [url.notice, tab_panel]
    if url.app_values.get("tour") == "1":
        main.insert(1, Tour(show_tab=lambda key: setattr(tab_panel, "active", keys.index(key)),
                            when_built=partial(_when_built, url),
                            steps=tuple(step for step in tour() if step.tab in keys)))
    # The sidebar (the about text) starts folded: the tabs get the whole width on a laptop,
    # a projector or a narrow window; the ☰ button opens it.
    # No busy indicator: Panel's is process-wide (every session's spinner is patched whenever
    # any session handles an event); a tab being built shows its own "building" text instead
    # (dashboard.lazy_tabs), and a redraw is quicker than a spinner would be noticed.
    return pn.template.BootstrapTemplate(
        title="νEM Explorer: electromagnetic neutrinos", sidebar=[pn.pane.Markdown(ABOUT)],
        main=main, header=[present], sidebar_width=260, collapsed_sidebar=True,
        busy_indicator=None)


def _when_built(url: UrlState, key: str, callback) -> None:
    """Run ``callback(view)`` with tab ``key``'s view: now if built, else when it is."""
    if key in url.views:
        callback(url.views[key])
    else:
        url.after_attach.setdefault(key, []).append(callback)


if pn.state.served:
    collector.tune_for_sessions()  # fewer full garbage collections in a server of many sessions
    create_app().servable()
