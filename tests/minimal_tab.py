"""A minimal tab, as a contributor would add one: this module and one registry line.

Used by the registry tests (tests/dashboard/test_tab_registry.py and
tests/browser/test_registry.py): a line y = slope x with one slider.
"""

from __future__ import annotations

import numpy as np
import param

from dashboard.live_plot import LiveOverlay
from dashboard.view_base import BenchMove, Binding, TabView


class Line(param.Parameterized):
    """A model with one parameter."""

    slope = param.Number(1.0, bounds=(0.0, 10.0), doc="dy/dx")

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        x = np.linspace(0.0, 1.0, 11)
        return x, self.slope * x


class LineView(TabView):
    key, title, summary = "line", "A line", "y = slope · x."
    note = r"$y = s\,x$"
    model = param.ClassSelector(class_=Line)
    BENCH = BenchMove("slope", "y")
    BINDINGS = (Binding("slope", "slope s", start=0.0, end=10.0, step=0.1),)

    def build_figures(self) -> dict[str, LiveOverlay]:
        return {"line": LiveOverlay({"y": self.model.points()}, {"y": {"color": "#000000"}},
                                    x="x", y="y", ylim=(0.0, 10.0), title="a line")}

    def update_figures(self) -> None:
        self.figures["line"].update({"y": self.model.points()})

    def readout_text(self) -> str:
        return f"**slope** = {self.model.slope:.3g}"
