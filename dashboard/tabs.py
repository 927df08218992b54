"""The registry of tabs: the app shell, the links, the formula notes, the benches and the
README's tab list are all derived from it.

A tab is one module with a :class:`dashboard.view_base.TabView` subclass (its key for links,
title, summary, formula note, bindings and figures) plus one line here.
``python -m dashboard.tabs`` prints the README's tab list.
"""

from __future__ import annotations

from .effective_moment_view import EffectiveMomentView
from .oscillation_view import OscillationView
from .recoil_view import RecoilView
from .sensitivity_view import SensitivityView
from .solar_sensitivity_view import SolarSensitivityView
from .spin_light_view import SpinLightView
from .theory_view import TheoryView

TABS = (
    RecoilView,
    SensitivityView,
    SolarSensitivityView,
    SpinLightView,
    TheoryView,
    OscillationView,
    EffectiveMomentView,
)


def readme_tab_list(tabs=TABS) -> str:
    """The README's list of tabs (between its ``<!-- tabs -->`` markers)."""
    return "\n".join(f"- **{tab.title}** (`?tab={tab.key}`): {tab.summary}" for tab in tabs)


if __name__ == "__main__":
    print(readme_tab_list())
