"""The nuEM Explorer app shell: a template with one tab per physics topic.

Served by ``panel serve dashboard/app.py`` or ``python -m dashboard``.
"""

from __future__ import annotations

import holoviews as hv
import panel as pn
from bokeh.io.doc import patch_curdoc

from dashboard.recoil_view import RecoilView
from dashboard.sensitivity_view import SensitivityView
from dashboard.spin_light_view import SpinLightView
from dashboard.theory_view import TheoryView
from dashboard.oscillation_view import OscillationView
from dashboard.formula_notes import formula_note
from dashboard.url_state import UrlState
from dashboard import server_guard, widget_guard

ABOUT = """
**νEM Explorer** shows what an electromagnetic neutrino would do: magnetic moment μν,
millicharge qν and charge radius ⟨r²⟩.

Formulas: Giunti & Studenikin, RMP 87, 531 (2015); Studenikin, ICHEP 2014 review;
Kouzakov & Studenikin (2011, 2017). Model code: the `model` package.
"""

# MathJax (bundled with Bokeh, served locally) typesets the formula notes' TeX.
pn.extension("mathjax", notifications=False, design="bootstrap")
hv.extension("bokeh", logo=False)


# (title, view class): each view class builds its default model and has ``panel()``.
TABS = (
    ("Recoil spectra", RecoilView),
    ("Reactor sensitivity", SensitivityView),
    ("Spin light", SpinLightView),
    ("Theory", TheoryView),
    ("Oscillations", OscillationView),
)


# Each tab's name in links (``?tab=recoil&recoil.mu_nu=1e-11``): stable, part of the URL contract.
TAB_KEYS = {"Recoil spectra": "recoil", "Reactor sensitivity": "sensitivity",
            "Spin light": "spin_light", "Theory": "theory", "Oscillations": "oscillations"}
assert list(TAB_KEYS) == [title for title, _ in TABS]


def _lazy(url: UrlState, title: str, view_class):
    # Built when its tab is first shown (dynamic Tabs render only the active tab); the link's
    # values for this tab are applied then.
    def build():
        view = view_class()
        notice = url.attach(TAB_KEYS[title], view)
        return pn.Column(notice, formula_note(title), view.panel(), sizing_mode="stretch_both")

    # ParamFunction, not pn.panel: pn.panel(func, lazy=True) calls a dependency-free func at once.
    return pn.param.ParamFunction(_in_session_document(widget_guard.guarded(build)), lazy=True)


def _in_session_document(build):
    # A tab shown later is built in a callback, where bokeh's curdoc() is the process-wide
    # document: HoloViews would register its plots' cleanup there, and they would outlive the
    # session (a leak of ~3 MB per session, bench/bench_load.py).
    def build_in_session():
        if pn.state.curdoc is None:
            return build()
        patched = patch_curdoc(pn.state.curdoc)
        patched.__enter__()
        try:
            return build()
        finally:
            patched.__exit__(None, None, None)  # restores curdoc() even if build raised

    return build_in_session


@server_guard.protected  # Host allow-list, session cap, tolerant URL parsing, guarded widgets
def create_app() -> pn.template.BootstrapTemplate:
    """Build one session's app: the template, its tabs, and their link to the URL."""
    location = pn.state.location if pn.state.curdoc is not None else None
    url = UrlState(location.search if location is not None else "",
                   {TAB_KEYS[title]: view.URL_FIELDS for title, view in TABS}, location)
    keys = [TAB_KEYS[title] for title, _ in TABS]
    tabs = pn.Tabs(*[(title, _lazy(url, title, view)) for title, view in TABS],
                   dynamic=True, sizing_mode="stretch_both", active=keys.index(url.tab))
    tabs.param.watch(lambda event: url.show_tab(keys[event.new]), "active")
    return pn.template.BootstrapTemplate(
        title="νEM Explorer: electromagnetic neutrinos", sidebar=[pn.pane.Markdown(ABOUT)],
        main=[url.notice, tabs], sidebar_width=260)


if pn.state.served:
    create_app().servable()
