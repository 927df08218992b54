"""The nuEM Explorer app shell: a template with one tab per physics topic.

Served by ``panel serve dashboard/app.py`` or ``python -m dashboard``.
"""

from __future__ import annotations

import holoviews as hv
import panel as pn

from dashboard.recoil_view import RecoilView
from dashboard.sensitivity_view import SensitivityView
from dashboard.spin_light_view import SpinLightView
from dashboard.theory_view import TheoryView
from dashboard.oscillation_view import OscillationView

ABOUT = """
**νEM Explorer** shows what an electromagnetic neutrino would do: magnetic moment μν,
millicharge qν and charge radius ⟨r²⟩.

Formulas: Giunti & Studenikin, RMP 87, 531 (2015); Studenikin, ICHEP 2014 review;
Kouzakov & Studenikin (2011, 2017). Model code: the `model` package.
"""

pn.extension(notifications=False, design="bootstrap")
hv.extension("bokeh", logo=False)


# (title, view class): each view class builds its default model and has ``panel()``.
TABS = (
    ("Recoil spectra", RecoilView),
    ("Reactor sensitivity", SensitivityView),
    ("Spin light", SpinLightView),
    ("Theory", TheoryView),
    ("Oscillations", OscillationView),
)


def _lazy(view_class):
    # Built when its tab is first shown (dynamic Tabs render only the active tab).
    return pn.panel(lambda: view_class().panel(), lazy=True)


def create_app() -> pn.template.BootstrapTemplate:
    """Build one session's app: the template and its tabs."""
    tabs = pn.Tabs(*[(title, _lazy(view)) for title, view in TABS],
                   dynamic=True, sizing_mode="stretch_both")
    return pn.template.BootstrapTemplate(
        title="νEM Explorer: electromagnetic neutrinos", sidebar=[pn.pane.Markdown(ABOUT)],
        main=[tabs], sidebar_width=260)


if pn.state.served:
    create_app().servable()
