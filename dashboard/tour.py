"""The guided tour (``?tour=1``): ordered steps across the tabs, each a scenario, what to say
and what to point at (``dashboard/scenarios/tour.toml``), with Back and Next."""

from __future__ import annotations

import panel as pn
import param

from .scenarios import TourStep, tour


class Tour(pn.viewable.Viewer):
    """Walks ``steps`` over the app's tabs: shows step ``step``'s tab with its scenario.

    ``show_tab(key)`` switches the app to a tab; ``when_built(key, callback)`` runs
    ``callback(view)`` with that tab's view, now if it exists, else once it is built.
    """

    step = param.Integer(default=0, bounds=(0, None))

    def __init__(self, show_tab, when_built, steps: tuple[TourStep, ...] | None = None, **params):
        super().__init__(**params)
        self.steps = steps if steps is not None else tour()
        self._show_tab, self._when_built = show_tab, when_built
        self.text = pn.pane.Markdown("", sizing_mode="stretch_width")
        self.back = pn.widgets.Button(label="◀ Back", color="light", width=90)
        self.next = pn.widgets.Button(label="Next ▶", color="primary", width=90)
        self.back.on_click(lambda event: self.go(self.step - 1))
        self.next.on_click(lambda event: self.go(self.step + 1))
        self.panel = pn.Card(self.text, pn.Row(self.back, self.next), title="Guided tour",
                             collapsed=False, sizing_mode="stretch_width",
                             styles={"border": "2px solid #0072B2"})
        self.go(0)

    def go(self, index: int) -> None:
        """Show step ``index`` (clamped to the tour)."""
        index = max(0, min(index, len(self.steps) - 1))
        self.step = index
        step = self.steps[index]
        self.text.object = (f"**Step {index + 1} of {len(self.steps)}.** {step.text}  \n"
                            f"*Look at:* {step.point}  \n<small>{step.cite}</small>")
        self.back.disabled = index == 0
        self.next.disabled = index == len(self.steps) - 1
        self._when_built(step.tab, lambda view: (view.apply_scenario(step.scenario)
                                                 if step.scenario else view.reset()))
        self._show_tab(step.tab)

    def __panel__(self) -> pn.Card:
        return self.panel
