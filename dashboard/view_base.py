"""One pattern for every tab: a model object, its declared parameter bindings, figures,
readouts and downloads.

A tab is a :class:`TabView` subclass: it names its model class, declares one
:class:`Binding` per control (model parameter, widget kind, linear or log scale, range,
label with units) and draws its figures.  From the bindings the base class builds the
widgets, sets the model from them (``widget -> model``), sets them from the model (presets,
links, notebooks: ``model -> widget``), derives the link fields (``URL_FIELDS``) and lays out
the controls.  Rejected values show a message and leave the model and the controls as
plotted (:func:`dashboard.live_plot.apply_to_model`).  Presentation only: no physics here.

Every number has an exact entry (:class:`dashboard.widgets.NumberEntry`, which takes
``2.9e-11``); a slider beside it makes quick moves and writes a rounded value into it.

    class MyView(TabView):
        key, title, summary, note = "mine", "My tab", "One sentence.", "$E$ in MeV"
        model = param.ClassSelector(class_=MyModel)
        BINDINGS = (Binding("E_MeV", "energy E [MeV]", "log", start=-1, end=2),)
        BENCH = BenchMove("E_MeV", "my curve")
        def build_figures(self): return {"main": LiveOverlay(...)}
        def update_figures(self): self.figures["main"].update(...)
        def readout_text(self): return f"**E** = {self.model.E_MeV:.3g} MeV"
"""

from __future__ import annotations

import html
import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

import numpy as np
import panel as pn
import param

from .export import PlotExport, file_stem
from .live_plot import Deferred, LiveOverlay, Readout, apply_to_model
from .scenarios import tab_guide
from .style import SIZES, style_figure
from .url_state import UrlField, widget_of
from .widgets import NumberEntry, ResponsiveFloatSlider, error_alert, log_slider, round_significant

KINDS = ("slider", "log", "number", "select", "radio", "checkbox")
MAX_PINS = 4
SUBTITLE_DELAY_MS = 400
NO_SCENARIO = "Choose a scenario…"
PINS_FIELD = "pins"
DEFAULTS_PIN = "-"  # a pin of the tab's defaults, in the link
_OPTION_KINDS = ("select", "radio")
SLIDER_DIGITS = 4  # significant digits a log slider's move writes into its entry
ENTRY_WIDTH = 100
MAIN_MIN_WIDTH = 560  # below this the figures go under the controls


@dataclass(frozen=True)
class Binding:
    """One control of a tab, declared once.

    ``name`` is the control's key (``view.widgets[name]``) and its name in links
    (``?tab=recoil&recoil.mu_nu=1e-11``); ``param`` the model parameter it sets (default: the
    name; ``""``: a view-only control, kept on the view).  Kinds: ``"slider"`` (linear) and
    ``"log"`` (log10) sliders, each with an exact entry beside it; ``"number"``, an entry
    alone; ``"select"``, ``"radio"`` (``options``: a list or {label: value}) and
    ``"checkbox"``.  An entry holds ``model value / scale`` (the units of the label);
    ``start``/``end``/``step`` give the slider's range in those units (a log slider's are
    exponents of ten).

    ``gate`` names another binding that switches this one: its ``factors`` map each of its
    values to the factor the model value gets (1, -1, 0; None: the model gets None), e.g. a
    sign choice for |qν|, or "include μν" (off: μν = 0).  ``read``: the value to show where
    the parameter itself may be None (a default flux), or a view-only control's value from the
    model.  ``implies``: ``(value, view) -> {param: value}``, other model values set with this
    one (a source's default flux, a preset's parameters); the controls then follow the model.
    A gated control is greyed out while its gate switches it off.
    ``redraw``: the view method that redraws after this control moved.  ``shown``: ``model ->
    bool``, whether the control is visible.  ``follows``/``implied``: link options of
    :class:`dashboard.url_state.UrlField`; links carry model units unless ``url_scale`` says
    otherwise (the link value is the entry value times ``url_scale``).
    """

    name: str
    label: str
    kind: str = "slider"
    param: str | None = None
    start: float | None = None
    end: float | None = None
    step: float | None = None
    scale: float = 1.0
    options: Any = None
    gate: str = ""
    factors: Mapping | None = None
    fallback: float | None = None
    read: Callable | None = None
    implies: Callable | None = None
    section: str = ""
    redraw: str = "refresh"
    shown: Callable | None = None
    format: str | None = None
    follows: str = ""
    implied: tuple = ()
    url_scale: float | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"binding {self.name!r}: kind must be one of {KINDS}")
        if self.kind in _OPTION_KINDS and self.options is None:
            raise ValueError(f"binding {self.name!r}: a {self.kind} needs options")
        if self.kind in ("slider", "log") and (self.start is None or self.end is None):
            raise ValueError(f"binding {self.name!r}: a slider needs start and end")

    @property
    def model_param(self) -> str:
        """The model parameter this control sets ("" for a view-only control)."""
        return self.name if self.param is None else self.param

    @property
    def numeric(self) -> bool:
        return self.kind in ("slider", "log", "number")

    @property
    def has_slider(self) -> bool:
        return self.kind in ("slider", "log")

    def to_model(self, widget_value):
        """The model value of a control's value (before any gate)."""
        if not self.numeric or widget_value is None:
            return widget_value
        return widget_value * self.scale

    def to_widget(self, model_value):
        """The control's value showing a model value."""
        if not self.numeric or model_value is None:
            return model_value
        return model_value / self.scale

    def slider_position(self, entry_value):
        """The slider's position for an entry value (None: not on a log slider)."""
        if entry_value is None or not math.isfinite(entry_value):
            return None
        if self.kind == "log":
            if not entry_value > 0:
                return None
            position = math.log10(entry_value)
        else:
            position = entry_value
        # A value the slider wrote (a link, a reload) puts it back on its step exactly.
        step = self.step or (0.05 if self.kind == "log" else 0.01)
        if not math.isfinite(position / step):  # far off any slider: no step to put it on
            return position
        on_step = round(round(position / step) * step, 12)
        try:
            return on_step if self.entry_value(on_step) == entry_value else position
        except OverflowError:  # 10**on_step beyond the floats: no step to put it on
            return position

    def entry_value(self, position: float) -> float:
        """The entry value a slider position writes: rounded to what the slider resolves."""
        if self.kind == "log":
            return round_significant(10.0**position, SLIDER_DIGITS)
        step = self.step or 0.01
        decimals = max(0, -math.floor(math.log10(step)) + 1)
        return round(position, decimals)

    def url_field(self) -> UrlField:
        return UrlField(self.name, f"widgets.{self.name}",
                        scale=self.url_scale if self.url_scale is not None else self.scale,
                        follows=self.follows, implied=self.implied)


class PinState(param.Parameterized):
    """The pins of a tab as link text: ``name:value,name:value|…``, one group per pin, each
    the controls that differ from the tab's defaults (recomputed when a link is opened)."""

    value = param.String(default="")
    free_text = True  # a link value taken as it is (dashboard.url_state.UrlField.decode)


@dataclass(frozen=True)
class BenchMove:
    """What the latency benches move on a tab: the binding of a slider and a curve it redraws."""

    binding: str
    curve: str


class TabView(pn.viewable.Viewer):
    """Base of every tab: widgets from ``BINDINGS``, one refresh, alert, readout, downloads.

    Subclasses set the class attributes below, declare ``model = param.ClassSelector(...)``
    and implement :meth:`build_figures`, :meth:`update_figures` and :meth:`readout_text`
    (optionally :meth:`compute`, :meth:`after_update`, :meth:`stem_parts`,
    :meth:`main_items`).  ``View(model).panel()`` (or just ``View(model)``) in a notebook.
    """

    key: ClassVar[str] = ""
    """The tab's name in links (``?tab=recoil``): part of the URL contract."""
    title: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    """One sentence for the README's tab list."""
    note: ClassVar[str] = ""
    """The formulas behind the curves (Markdown with $TeX$), shown in a collapsed card."""
    BINDINGS: ClassVar[tuple[Binding, ...]] = ()
    FIXED: ClassVar[Mapping[str, Any]] = {}
    """Model values the tab always sets (parameters it has no control for)."""
    BENCH: ClassVar[BenchMove | None] = None
    PINS: ClassVar[Mapping[str, str]] = {}
    """Pinned copies: {figure name: label of the curve a pin freezes}."""
    READOUT_HEIGHT: ClassVar[int] = 150
    CONTROLS_WIDTH: ClassVar[int] = 320
    URL_FIELDS: ClassVar[tuple[UrlField, ...]] = ()

    model = param.ClassSelector(class_=param.Parameterized, doc="The model object shown.")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        names = [b.name for b in cls.BINDINGS]
        if len(set(names)) != len(names):
            raise TypeError(f"{cls.__name__}: binding names repeat: {names}")
        by_name = {b.name: b for b in cls.BINDINGS}
        for b in cls.BINDINGS:
            if b.gate and (b.gate not in by_name or by_name[b.gate].factors is None):
                raise TypeError(f"{cls.__name__}.{b.name}: gate {b.gate!r} is not a binding "
                                "with factors")
        leaders = {b.follows for b in cls.BINDINGS if b.follows}
        # A leader (a source, a preset) is applied before the values it sets; pins last.
        cls.URL_FIELDS = tuple(sorted((b.url_field() for b in cls.BINDINGS),
                                      key=lambda field: field.name not in leaders))
        if cls.PINS:
            cls.URL_FIELDS += (UrlField(PINS_FIELD, "pin_state"),)

    @classmethod
    def default_model(cls):
        """The model a tab opens with."""
        return cls.param["model"].class_()

    def __init__(self, model=None, **params):
        super().__init__(model=model if model is not None else self.default_model(), **params)
        self.alert = error_alert()
        self.readout = Readout(height=self.READOUT_HEIGHT)
        self.bindings = {b.name: b for b in self.BINDINGS}
        self.widgets: dict[str, Any] = {}
        self.sliders: dict[str, pn.widgets.FloatSlider] = {}
        self.figures: dict[str, LiveOverlay] = {}
        self._syncing = False
        self._layout = None
        for b in self.BINDINGS:
            self._make_widget(b)
        for b in self.BINDINGS:
            self.widgets[b.name].param.watch(partial(self._changed, b), "value")
        if not self.apply(self.model_values(), self.refresh):
            self.refresh()  # the model as given: plot it, with the message shown
        self.exports = {name: PlotExport(figure, self.model, self.export_stem,
                                         name if len(self.figures) > 1 else "")
                        for name, figure in self.figures.items()}
        self._build_teaching_tools()
        self._subtitles = [figure.add_subtitle(self.subtitle()) for figure in self.figures.values()]
        # A new title text makes BokehJS lay the figure out again (~20 ms): the subtitles
        # follow a burst of moves instead of delaying each redraw.
        self._subtitles_later = Deferred(self._update_subtitles, SUBTITLE_DELAY_MS)

    # --- widgets ----------------------------------------------------------------------------
    def _make_widget(self, b: Binding) -> None:
        value = self._shown_value(b)
        if b.numeric:
            limits = {"start": b.start, "end": b.end} if b.kind == "number" else {}
            entry = NumberEntry(label="" if b.has_slider else b.label, value=value,
                                on_invalid=self.show_rejected, **limits,
                                width=ENTRY_WIDTH if b.has_slider else None,
                                css_name=f"entry-{b.name}")
            self.widgets[b.name] = entry
            if b.has_slider:
                self.sliders[b.name] = self._slider(b, b.slider_position(value))
                self.sliders[b.name].param.watch(partial(self._slider_moved, b), "value")
        elif b.kind == "select":
            self.widgets[b.name] = pn.widgets.Select(options=b.options, value=value, label=b.label)
        elif b.kind == "radio":
            self.widgets[b.name] = pn.widgets.RadioButtonGroup(options=b.options, value=value,
                                                               label=b.label)
        else:
            self.widgets[b.name] = pn.widgets.Checkbox(value=bool(value), label=b.label)

    def _slider(self, b: Binding, position) -> pn.widgets.FloatSlider:
        start, end = b.start, b.end
        if position is None:  # not showable (0 on a log slider): the fallback, else mid-range
            fallback = b.slider_position(b.to_widget(b.fallback)) if b.fallback else None
            position = fallback if fallback is not None else (start + end) / 2
        # A model built in a notebook is shown as it is, not clipped to the usual range.
        start, end = min(start, position), max(end, position)
        if b.kind == "log":
            return log_slider(b.label, start, end, position, step=b.step or 0.05)
        return ResponsiveFloatSlider(label=b.label, start=start, end=end, step=b.step or 0.01,
                                     value=position, sizing_mode="stretch_width",
                                     **({"format": b.format} if b.format else {}))

    def _slider_moved(self, b: Binding, event) -> None:
        if self._syncing or event.new is None or not math.isfinite(event.new):
            return
        # The entry holds the value the model gets: what the slider resolves, without the
        # float noise of 10**x.  The slider keeps its own position (see _move_slider).  One
        # hold: the entry's text, the model's redraw and the link go out in one message.
        with pn.io.hold():
            self.widgets[b.name].value = b.entry_value(event.new)

    def _gate_factor(self, b: Binding):
        """The factor the gate of ``b`` applies (1 without a gate)."""
        if not b.gate:
            return 1.0
        return self.bindings[b.gate].factors[self.widgets[b.gate].value]

    def _shown_value(self, b: Binding):
        """The control value that shows the model's current state (None: keep the control's)."""
        if b.factors is not None and not b.model_param:
            # A view-only gate (include μν, sign of qν): from the value of what it gates.
            gated = next(g for g in self.BINDINGS if g.gate == b.name)
            value = getattr(self.model, gated.model_param)  # not ``read``: None is a state
            wanted = None if value is None else (0.0 if value == 0 else math.copysign(1.0, value))
            return next((option for option, factor in b.factors.items()
                         if (factor is None and wanted is None)
                         or (factor is not None and wanted is not None and factor == wanted)), None)
        if not b.model_param:  # a view-only control: from the model where it says how
            if b.read is not None:
                return b.read(self.model)
            return self._initial_value(b) if b.name not in self.widgets else None
        value = self._model_value(b)
        if b.gate:
            factor = self._gate_factor(b)
            # switched off: the control keeps its value (at first: the fallback)
            value = None if factor is None or factor == 0 else value / factor
        if value is None or (b.kind == "log" and not value > 0):
            if b.name in self.widgets:
                return None
            if b.fallback is not None:
                return b.to_widget(b.fallback)
            return b.start if b.kind == "slider" else None
        return b.to_widget(value)

    @staticmethod
    def _initial_value(b: Binding):
        """A view-only control's first value: its first option, or its fallback."""
        if b.kind in _OPTION_KINDS:
            return next(iter(b.options.values() if isinstance(b.options, Mapping) else b.options))
        return b.to_widget(b.fallback)

    def _model_value(self, b: Binding):
        return b.read(self.model) if b.read is not None else getattr(self.model, b.model_param)

    def show_model(self) -> None:
        """Set every control from the model (presets, sources, links, notebooks), without
        updating the model from them."""
        self._syncing = True
        try:
            gates_first = sorted(self.BINDINGS, key=lambda b: b.factors is None)
            for b in gates_first:
                value = self._shown_value(b)
                if value is not None:
                    self.widgets[b.name].value = value
                    self._move_slider(b, value)
        finally:
            self._syncing = False

    def _move_slider(self, b: Binding, entry_value) -> None:
        """Put the slider beside an entry on its value, if the slider's range holds it."""
        slider = self.sliders.get(b.name)
        if slider is None or entry_value is None or b.entry_value(slider.value) == entry_value:
            return  # no slider, or it already stands where this value was written from
        position = b.slider_position(entry_value)
        if position is not None and slider.start <= position <= slider.end:
            syncing, self._syncing = self._syncing, True
            try:
                slider.value = position
            finally:
                self._syncing = syncing

    # --- widgets -> model -------------------------------------------------------------------
    def model_values(self) -> dict:
        """The model parameters the controls set (ValueError for an empty number entry)."""
        values = dict(self.FIXED)
        for b in self.BINDINGS:
            if not b.model_param:
                if b.numeric and self.widgets[b.name].value is None:  # a view-only number
                    raise ValueError(f"enter a number for {b.label}")
                continue
            factor = self._gate_factor(b)
            if factor is None or factor == 0:  # switched off: None, or zero whatever it shows
                values[b.model_param] = None if factor is None else 0.0
                continue
            widget_value = self.widgets[b.name].value
            if widget_value is None:
                raise ValueError(f"enter a number for {b.label} ({b.model_param})")
            value = b.to_model(widget_value)
            values[b.model_param] = value * factor if b.numeric and factor != 1.0 else value
        return values

    def value(self, name: str):
        """The model-unit value of a control (view-only controls included)."""
        return self.bindings[name].to_model(self.widgets[name].value)

    def show_rejected(self, message: str) -> None:
        """Show why an input was not taken (the model and controls stay as plotted)."""
        self.alert.object = f"**Input not accepted:** {message}"
        self.alert.visible = True

    def _changed(self, b: Binding, event) -> None:
        if self._syncing:
            return
        if b.has_slider:
            self._move_slider(b, event.new)  # typed into the entry: the slider follows
        try:
            values = self.model_values()
        except ValueError as error:
            self.show_rejected(str(error))
            self.show_model()  # the controls go back to what is plotted
            return
        redraw = getattr(self, b.redraw)
        if b.implies is not None:
            values.update(b.implies(values[b.model_param] if b.model_param else event.new, self))
            redraw = partial(self._follow_model, redraw)
        if not self.apply(values, redraw):
            self.show_model()

    def _follow_model(self, redraw: Callable[[], None]) -> None:
        self.show_model()
        redraw()

    def apply(self, values: Mapping, redraw: Callable[[], None] | None = None) -> bool:
        """Set ``values`` on the model and redraw, or show why not (the model stays)."""
        return apply_to_model(self.model, values, partial(self._redraw, redraw or self.refresh),
                              self.alert)

    def _redraw(self, redraw: Callable[[], None]) -> None:
        self.after_update()
        redraw()
        if getattr(self, "_subtitles", None):
            self._subtitles_later.request()
        for b in self.BINDINGS:
            controls = [self.widgets[b.name]] + ([self.sliders[b.name]] if b.name in self.sliders else [])
            if b.gate:  # switched off: shown, but greyed
                factor = self._gate_factor(b)
                for control in controls:
                    control.disabled = factor is None or factor == 0
            if b.shown is not None:
                visible = bool(b.shown(self.model))
                for control in controls:
                    control.visible = visible

    def flush_deferred(self) -> None:
        """Do now the deferred parts of the last changes (subtitles, download names): for a
        view being built, e.g. with a link's values, whose page is not shown yet (a PNG saved
        at once must not carry the defaults' name)."""
        self._subtitles_later.flush()
        for export in self.exports.values():
            export.flush()

    def _update_subtitles(self) -> None:
        text = self.subtitle()
        for subtitle in self._subtitles:
            if subtitle.text != text:
                subtitle.text = text

    def after_update(self) -> None:
        """Called after every accepted change, before the redraw (e.g. to mark a preset as
        left)."""

    def set_values(self, values: Mapping[str, Any], explicit=None) -> bool:
        """Set several controls at once (control values: entry units, options) and update the
        model once; on rejection everything stays as it was.  Returns success.

        A control in ``explicit`` (default: all of ``values``) that implies other values (a
        preset, a source) brings them, except where ``explicit`` sets them itself."""
        unknown = set(values) - set(self.bindings)
        if unknown:
            raise ValueError(f"{type(self).__name__} has no controls {sorted(unknown)}")
        explicit = set(values if explicit is None else explicit)
        previous = {name: self.widgets[name].value for name in self.bindings}
        self.set_controls(values)
        failure = None
        try:
            model_values = self.model_values()
        except ValueError as error:
            model_values, failure = None, str(error)
        if model_values is not None:
            given = {self.bindings[name].model_param for name in explicit}
            for name in explicit:  # a preset or a source brings what it implies first
                b = self.bindings[name]
                if b.implies is not None:
                    implied = b.implies(self.value(name), self)
                    model_values.update({k: v for k, v in implied.items() if k not in given})
            if self.apply(model_values, partial(self._follow_model, self.refresh)):
                return True
        self.set_controls(previous)
        if failure is not None:
            self.show_rejected(failure)
        return False

    def set_controls(self, values: Mapping[str, Any]) -> None:
        """Set controls without updating the model (they must agree with it)."""
        self._syncing = True
        try:
            for name, value in values.items():
                self.widgets[name].value = value
                self._move_slider(self.bindings[name], value)
        finally:
            self._syncing = False

    # --- scenarios, reset, pins --------------------------------------------------------------
    def _build_teaching_tools(self) -> None:
        self.guide = tab_guide(self.key)
        self._fields = {f.name: f for f in self.URL_FIELDS}
        self._default_controls = {name: widget.value for name, widget in self.widgets.items()}
        self._default_texts = self.control_texts()
        self.pin_state = PinState()
        self.pin_states: list[dict[str, str]] = []
        self._writing_pins = False
        for name in self.PINS:
            self.figures[name].add_pin_slots(MAX_PINS)
        self.pin_state.param.watch(self._pins_from_link, "value")
        names = [scenario.name for scenario in self.guide.scenarios]
        self.scenario_select = pn.widgets.Select(options=[NO_SCENARIO, *names], value=NO_SCENARIO,
                                                 sizing_mode="stretch_width",
                                                 disabled=not names)
        self.scenario_note = pn.pane.Markdown("", sizing_mode="stretch_width",
                                              styles={"font-size": "90%"}, visible=False)
        self.scenario_select.param.watch(self._scenario_chosen, "value")
        self.reset_button = pn.widgets.Button(label="Reset", color="light",
                                              description="Back to this tab's defaults")
        self.reset_button.on_click(lambda event: self.reset())
        self.pin_button = pn.widgets.Button(label="Pin", color="light",
                                            description="Keep the main curve to compare",
                                            disabled=not self.PINS)
        self.pin_button.on_click(lambda event: self.pin())
        self.clear_pins_button = pn.widgets.Button(label="Clear pins", color="light",
                                                   disabled=True)
        self.clear_pins_button.on_click(lambda event: self.clear_pins())

    def control_texts(self) -> dict[str, str]:
        """Every control's value as a link writes it."""
        return {f.name: f.text_of(widget_of(self, f.widget))
                for f in self.URL_FIELDS if f.name != PINS_FIELD}

    def differing_texts(self) -> dict[str, str]:
        """The controls that differ from the tab's defaults, as link text."""
        return {name: text for name, text in self.control_texts().items()
                if text != self._default_texts[name]}

    def decode(self, texts: Mapping[str, str]) -> dict[str, Any]:
        """Control values for link texts ({name: text}); ValueError naming a bad one."""
        values = {}
        for name, text in texts.items():
            if name not in self.bindings:
                raise ValueError(f"{name!r} is not a control of this tab")
            try:
                values[name] = self._fields[name].decode(self.widgets[name], str(text))
            except ValueError as reason:
                raise ValueError(f"{name} = {text!r}: expected {reason}") from None
        return values

    def apply_link_values(self, texts: Mapping[str, str]) -> bool:
        """The tab's defaults with ``texts`` (link values) on top, in one update."""
        try:
            decoded = self.decode(texts)
        except ValueError as error:
            self.show_rejected(str(error))
            return False
        return self.set_values({**self._default_controls, **decoded}, explicit=decoded)

    def apply_scenario(self, name: str) -> bool:
        """Apply the scenario ``name`` of this tab (its link values on the defaults)."""
        scenario = self.guide.scenario(name)
        done = self.apply_link_values(scenario.values)
        if done:
            self.scenario_note.object = (f"**{scenario.name}**: {scenario.text}"
                                         + (f" *({scenario.cite})*" if scenario.cite else ""))
            self.scenario_note.visible = True
        return done

    def _scenario_chosen(self, event) -> None:
        if event.new == NO_SCENARIO:
            return
        self.apply_scenario(event.new)
        self.scenario_select.value = NO_SCENARIO  # ready for the next choice

    def reset(self) -> None:
        """Back to the tab's defaults (the controls as the tab opened), in one update."""
        if self.set_values(self._default_controls, explicit=()):
            self.alert.visible = False
            self.scenario_note.visible = False

    def pin(self) -> bool:
        """Freeze the main curve(s) as they are, labelled with what differs from the defaults."""
        if not self.PINS:
            return False
        if len(self.pin_states) >= MAX_PINS:
            self.show_rejected(f"at most {MAX_PINS} pins: clear them first")
            return False
        state = self.differing_texts()
        self.pin_states.append(state)
        self._draw_pin(len(self.pin_states) - 1, state,
                       {name: self.figures[name].data(curve) for name, curve in self.PINS.items()})
        self._write_pins()
        return True

    def clear_pins(self) -> None:
        with pn.io.hold():
            for slot in range(MAX_PINS):
                for name in self.PINS:
                    self.figures[name].set_pin(slot, None)
        self.pin_states = []
        self._write_pins()

    def _short(self, name: str) -> str:
        """A control's label without its units: "μν", "threshold"."""
        label = self.bindings[name].label if name in self.bindings else name
        return label.split(" [")[0].split(" (")[0]

    def _pin_label(self, slot: int, state: Mapping[str, str]) -> str:
        text = ", ".join(f"{self._short(name)}={value}" for name, value in state.items()) or "defaults"
        return f"pin {slot + 1}: " + (text if len(text) <= 48 else text[:47] + "…")

    def subtitle(self) -> str:
        """The figures' second line, which downloads carry: the tab and what differs from its
        defaults (as the file names do)."""
        if not hasattr(self, "_default_texts"):
            return ""
        differing = ", ".join(f"{self._short(name)} = {value}"
                              for name, value in self.differing_texts().items())
        return f"νEM Explorer · {self.title} · " + (differing or "default parameters")

    def _draw_pin(self, slot: int, state: Mapping[str, str], curves: Mapping) -> None:
        label = self._pin_label(slot, state)
        with pn.io.hold():
            for name, (xs, ys) in curves.items():
                self.figures[name].set_pin(slot, label, xs, ys)
        self.clear_pins_button.disabled = False

    def _write_pins(self) -> None:
        self._writing_pins = True
        try:
            self.pin_state.value = "|".join(",".join(f"{k}:{v}" for k, v in state.items())
                                            or DEFAULTS_PIN for state in self.pin_states)
        finally:
            self._writing_pins = False
        self.clear_pins_button.disabled = not self.pin_states

    @staticmethod
    def parse_pins(text: str) -> list[dict[str, str]]:
        """``name:value,name:value|…`` as one dict per pin ("-": the defaults; ValueError if
        malformed)."""
        states = []
        for group in text.split("|") if text else []:
            state = {}
            for item in group.split(",") if group and group != DEFAULTS_PIN else []:
                name, sep, value = item.partition(":")
                if not sep or not name:
                    raise ValueError(f"a pin is written name:value,…, not {item!r}")
                state[name] = value
            states.append(state)
        if len(states) > MAX_PINS:
            raise ValueError(f"at most {MAX_PINS} pins")
        return states

    def _pins_from_link(self, event) -> None:
        """Pins from a link: each recomputed from its values, then the live state restored."""
        if self._writing_pins:
            return
        try:
            states = self.parse_pins(event.new)
            decoded = [self.decode(state) for state in states]
        except ValueError as error:
            self.show_rejected(f"pins: {error}")
            self._write_pins()
            return
        live = {name: widget.value for name, widget in self.widgets.items()}
        curves = []
        for values in decoded:
            if not self.set_values({**self._default_controls, **values}, explicit=values):
                break
            curves.append({name: tuple(np.array(a) for a in self.figures[name].data(curve))
                           for name, curve in self.PINS.items()})
        self.set_values(live, explicit=())
        for slot in range(MAX_PINS):
            for name in self.PINS:
                self.figures[name].set_pin(slot, None)
        self.pin_states = states[:len(curves)]
        for slot, (state, curve) in enumerate(zip(self.pin_states, curves)):
            self._draw_pin(slot, state, curve)
        self._write_pins()

    def teaching_controls(self) -> pn.Column:
        """Scenario menu, its note, and the Reset / Pin / Clear pins buttons."""
        return pn.Column(self.scenario_select, self.scenario_note,
                         pn.Row(self.reset_button, self.pin_button, self.clear_pins_button),
                         sizing_mode="stretch_width")

    def intro(self) -> pn.layout.Card | None:
        """The tab's "What you see / Try this" lines, in a card that folds away."""
        if not (self.guide.what or self.guide.try_this):
            return None
        text = f"**What you see:** {self.guide.what}  \n**Try this:** {self.guide.try_this}"
        return pn.layout.Card(pn.pane.Markdown(text, sizing_mode="stretch_width"),
                              title="About this tab", collapsed=False, sizing_mode="stretch_width")

    # --- model -> figures and readouts ------------------------------------------------------
    def compute(self) -> None:
        """Recompute what the figures and readouts show (called before drawing)."""

    def build_figures(self) -> dict[str, LiveOverlay]:
        """The tab's figures, built once from the first data."""
        raise TypeError(f"{type(self).__name__} must define build_figures()")

    def update_figures(self) -> None:
        """Write the new data into the figures (in place)."""
        raise TypeError(f"{type(self).__name__} must define update_figures()")

    def readout_text(self) -> str:
        """The text under the figures (Markdown subset of :class:`Readout`)."""
        return ""

    def refresh(self) -> None:
        """Recompute and redraw everything from the model's parameters, in one message."""
        self.compute()
        if not self.figures:
            self.figures = dict(self.build_figures())
            self.readout.object = self.readout_text()
            return
        with pn.io.hold():
            self.update_figures()
            self.readout.object = self.readout_text()

    # --- downloads --------------------------------------------------------------------------
    def stem_parts(self) -> tuple:
        """The parts of download file names after the tab key (key parameters)."""
        return ()

    def export_stem(self) -> str:
        return file_stem(self.key.replace("_", "-"), *self.stem_parts())

    # --- layout -----------------------------------------------------------------------------
    def controls(self) -> pn.Column:
        items, section = [self.teaching_controls()], None
        for b in self.BINDINGS:
            if b.section and b.section != section:
                items.append(pn.pane.HTML(f"<b>{html.escape(b.section)}</b>", margin=(12, 10, 0, 10),
                                          styles={"font-size": "1.1em"}))
                section = b.section
            if b.kind == "radio":  # a button group shows no label of its own
                items.append(pn.pane.HTML(f"<small>{b.label}</small>", margin=(0, 10)))
            if b.has_slider:
                items.append(pn.Row(self.sliders[b.name], self.widgets[b.name],
                                    sizing_mode="stretch_width"))
            else:
                items.append(self.widgets[b.name])
        items.extend(self.extra_controls())
        return pn.Column(*items, width=self.CONTROLS_WIDTH)

    def extra_controls(self) -> list:
        """Anything below the controls (a note on conventions)."""
        return []

    def figure_items(self, name: str) -> list:
        """One figure and its download buttons."""
        return [self.figures[name].pane(), self.exports[name].buttons()]

    def main_items(self) -> list:
        """The main column: alerts, figures with their downloads, readout."""
        items = [self.alert]
        for name in self.figures:
            items.extend(self.figure_items(name))
        items.append(self.readout)
        return items

    def __panel__(self) -> pn.FlexBox:
        """Controls beside the figures; on a narrow window (main column under ~600 px) the
        controls wrap above the figures, which then take the full width."""
        if self._layout is None:
            intro = self.intro()
            main = ([intro] if intro is not None else []) + self.main_items()
            column = pn.Column(*main, sizing_mode="stretch_width", css_classes=["nuem-main"],
                               styles={"flex": f"1 1 {MAIN_MIN_WIDTH}px", "min-width": "0"})
            self._layout = pn.FlexBox(self.controls(), column, flex_wrap="wrap",
                                      align_items="flex-start", sizing_mode="stretch_width")
        return self._layout

    def set_presentation(self, present: bool) -> None:
        """Projector mode (``present``): larger type and thicker lines; or back to normal."""
        sizes = SIZES[present]
        with pn.io.hold():
            for figure in self.figures.values():
                style_figure(figure.figure, present)
                figure.fit_legend()  # larger type: other columns and row heights
            for readout in self.readouts():
                readout.pane.styles = {**readout.pane.styles, "font-size": f"{sizes['readout']}px"}

    def readouts(self) -> list[Readout]:
        """The text panes that the projector mode enlarges."""
        return [self.readout]

    def panel(self) -> pn.FlexBox:
        """The tab's layout (as ``pn.panel(view)``)."""
        return self.__panel__()

    # --- benches and load tests ---------------------------------------------------------------
    def bench_target(self) -> tuple[str, str, str]:
        """(slider label, curve label, the curve's y column) of ``BENCH``."""
        b = self.bindings[self.BENCH.binding]
        figure = next(f for f in self.figures.values() if self.BENCH.curve in f.labels)
        return b.label, self.BENCH.curve, figure.y

    def movable_controls(self) -> list[tuple[str, str]]:
        """(Bokeh model type, label) of the sliders and selects whose every move changes
        what is drawn: the load test's simulated users move these."""
        moves = []
        for b in self.BINDINGS:
            if not b.model_param or b.kind not in ("slider", "log", "select"):
                continue
            factor = self._gate_factor(b)
            if factor is None or factor == 0 or b.redraw != "refresh":
                continue
            if b.shown is not None and not b.shown(self.model):
                continue
            moves.append(("Select" if b.kind == "select" else "Slider", b.label))
        return moves


def deprecated_alias(old: str, new: str) -> property:
    """A read-only attribute kept for notebooks written against an older name."""

    def get(self):
        warnings.warn(f"{type(self).__name__}.{old} is deprecated; use .{new}",
                      DeprecationWarning, stacklevel=2)
        return getattr(self, new)

    return property(get, doc=f"Deprecated alias of ``{new}``.")
