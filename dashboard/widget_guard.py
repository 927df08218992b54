"""Values from the browser are checked like link values before they reach a view or a model.

A page's widgets send their new values over the websocket, and nothing stops a client from
sending a value the widget could never produce: a slider position outside its range,
``-inf``, ``NaN``, an option that is not offered, a tab index past the last tab.  Panel passes
such a value on (a ``FloatSlider``'s ``value`` has no bounds), and a view then computes
``10**1e6`` (OverflowError) or hands the model a value it was never meant to see.

:func:`guard_widget` wraps one Panel object's handling of browser changes: a value that fails
:func:`refusal_reason` is dropped, the browser is set back to the value the server keeps, and
``on_refused`` is told (a :class:`RefusalNotice` shows it above the tab).  Valid values pass
unchanged, so a guarded widget behaves exactly as before for every value a user can produce.
The model still validates what it receives; this guard only keeps out what no widget sends.

Usage: ``guard_layout(layout, notice)`` guards every widget, tab set and card of a layout;
:func:`guarded` wraps a function that builds a tab.
"""

from __future__ import annotations

import logging
import math
import numbers
from collections.abc import Callable, Mapping
from functools import partial

import panel as pn
from panel.reactive import Reactive
from panel.widgets.slider import _SliderBase  # every Panel slider (no public base class)

from .url_state import _shown

log = logging.getLogger(__name__)

# Panel parameters that hold a slider's or an entry's number (``value_throttled``: a slider's
# value on release; ``value_start``/``value_end``: a range slider's ends).
NUMBER_NAMES = ("value", "value_throttled", "value_start", "value_end")
MAX_TEXT_CHARS = 10_000  # no text field of the app needs more
MAX_MESSAGES = 5  # the notice lists the most recent refusals

OnRefused = Callable[[Reactive, str, object, str], None]


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _number_text(value: float) -> str:
    return f"{value:.6g}"


def _range_reason(obj, value: float) -> str | None:
    """Why a number is outside a widget's ``start``..``end`` (None if it is inside)."""
    start, end = getattr(obj, "start", None), getattr(obj, "end", None)
    start = start if _is_number(start) else None
    end = end if _is_number(end) else None
    if start is None and end is None:
        return None
    step = getattr(obj, "step", None)
    slack = 1e-9 * (abs(step) if _is_number(step) and step else 1.0)  # float round-off only
    if (start is not None and value < start - slack) or (end is not None and value > end + slack):
        low = "-∞" if start is None else _number_text(start)
        high = "∞" if end is None else _number_text(end)
        return f"a number in [{low}, {high}]"
    return None


def refusal_reason(obj: Reactive, name: str, value) -> str | None:
    """Why ``value`` from the browser cannot be ``obj``'s parameter ``name`` (None: it can).

    Numbers must be finite and inside the widget's ``start``..``end`` and the parameter's
    bounds; an option widget's value must be one of its options; a tab index must name a tab;
    text is bounded; the parameter's own validation (types, bounds, selectors) must pass.
    """
    if name not in obj.param:
        return None  # a sub-object's property: left to Panel
    parameter = obj.param[name]
    options = getattr(obj, "options", None)
    if value is None:  # an emptied number entry sends None; a slider or an option never does
        chooses = name == "value" and isinstance(options, (list, Mapping))
        if isinstance(obj, _SliderBase) or chooses:
            return "a value"
        return None if parameter.allow_None else "a value"
    if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
        return f"at most {MAX_TEXT_CHARS} characters"
    numbers_in = (list(value) if isinstance(value, (tuple, list)) and name in NUMBER_NAMES
                  else [value])
    for number in numbers_in:
        if _is_number(number):
            if not math.isfinite(number):
                return "a finite number"
            if name in NUMBER_NAMES and (reason := _range_reason(obj, number)):
                return reason
    if name == "active" and isinstance(getattr(obj, "objects", None), list):  # Tabs
        if not (isinstance(value, int) and not isinstance(value, bool)
                and 0 <= value < len(obj.objects)):
            return f"a tab index in [0, {len(obj.objects) - 1}]"
    if name == "value" and isinstance(options, (list, Mapping)):
        offered = list(options.values()) if isinstance(options, Mapping) else list(options)
        chosen = value if isinstance(value, list) else [value]  # a multi-select's list
        if any(not any(item is option or item == option for option in offered)
               for item in chosen):
            return "one of the options offered"
    try:
        parameter._validate(value)  # param's own check: type, bounds, selector objects
    except Exception:  # noqa: BLE001  (any refusal by param: the value is not one it takes)
        return f"a valid {type(parameter).__name__.lower()}"
    return None


def _empty_choice(obj: Reactive, msg: Mapping) -> bool:
    """An empty selection sent to a drop-down that offers no empty option (Panel's conversion
    turns ``""`` into the first option, which the check after it would accept)."""
    return (isinstance(obj, pn.widgets.Select) and msg.get("value") == ""
            and "" not in list(obj.labels))


def guard_widget(obj: Reactive, on_refused: OnRefused | None = None) -> Reactive:
    """Check every change ``obj`` receives from the browser with :func:`refusal_reason`.

    A refused value never reaches ``obj`` (nor its watchers, views or models): the browser is
    set back to ``obj``'s current value and ``on_refused(obj, name, value, reason)`` is called
    (default: logged).  Guarding twice is harmless.  Works on any Panel widget, layout or pane
    (Panel converts a browser change in ``_process_property_change``; the guard checks what
    that returns, in Panel's parameter names and units).
    """
    if getattr(obj, "_browser_values_guarded", False):
        return obj
    convert = obj._process_property_change  # the object's own conversion (class or instance)
    report = on_refused or _log_refusal

    def checked(msg: dict) -> dict:
        if _empty_choice(obj, msg):  # Panel would read it as the first option: refused instead
            report(obj, "value", "", "one of the options offered")
            _restore_soon(obj, ["value"])
            msg = {prop: value for prop, value in msg.items() if prop != "value"}
            if not msg:
                return {}
        try:
            params = convert(msg)
        except Exception as error:  # noqa: BLE001  (e.g. an option index past the end)
            for prop, value in msg.items():
                report(obj, prop, value, f"a value this control can take ({type(error).__name__})")
            _restore_soon(obj, [p for p in _param_names(obj, msg)])
            return {}
        accepted, refused = {}, []
        for name, value in params.items():
            reason = refusal_reason(obj, name, value)
            if reason is None:
                accepted[name] = value
            else:
                refused.append(name)
                report(obj, name, value, reason)
        if refused:
            _restore_soon(obj, refused)
        return accepted

    obj._process_property_change = checked
    obj._browser_values_guarded = True
    return obj


def guard_layout(layout, on_refused: OnRefused | None = None) -> list[Reactive]:
    """Guard every Panel object in ``layout`` (itself included) that can receive changes from
    the browser: widgets, tab sets, cards, panes.  Returns the objects guarded."""
    found = layout.select(Reactive) if hasattr(layout, "select") else []
    if isinstance(layout, Reactive) and layout not in found:
        found = [layout, *found]
    for obj in found:
        guard_widget(obj, on_refused)
    return found


def _param_names(obj, msg: Mapping) -> list[str]:
    # Bokeh property names back to Panel parameter names (``_rename`` maps the other way).
    renamed = {prop: name for name, prop in getattr(obj, "_rename", {}).items() if prop}
    return [renamed.get(prop, prop) for prop in msg if renamed.get(prop, prop) in obj.param]


def _restore_soon(obj: Reactive, names: list[str]) -> None:
    """Set the browser's copy of ``names`` back to ``obj``'s values: the server's Bokeh model
    already holds the refused value, which Panel would otherwise never overwrite."""
    doc = pn.state.curdoc
    if doc is not None and doc.session_context is not None:
        # After the browser's patch has been applied, under the document lock.
        doc.add_next_tick_callback(partial(_restore, obj, names))
    else:
        _restore(obj, names)


def _restore(obj: Reactive, names: list[str]) -> None:
    values = {name: getattr(obj, name) for name in names
              if name in obj.param and getattr(obj, name) is not None}
    try:
        properties = obj._process_param_change(values)
        for model, _ in list(obj._models.values()):
            model.update(**{prop: value for prop, value in properties.items()
                            if prop in model.properties()})
    except Exception:  # noqa: BLE001  (the value stays refused; only the display lags)
        log.warning("could not set %s back to %r in the browser", type(obj).__name__, values,
                    exc_info=True)


def _label(obj) -> str:
    return str(getattr(obj, "label", None) or getattr(obj, "title", None) or obj.name)


def _log_refusal(obj, name, value, reason) -> None:
    log.info("refused %s.%s = %.80r from the browser (expected %s)", _label(obj), name, value,
             reason)


class RefusalNotice:
    """A hidden alert that lists values refused by the guard (call it as ``on_refused``)."""

    def __init__(self):
        self.pane = pn.pane.Alert("", alert_type="warning", visible=False, disable_math=True,
                                  sizing_mode="stretch_width")
        self.messages: list[str] = []

    def __call__(self, obj, name, value, reason) -> None:
        _log_refusal(obj, name, value, reason)
        shown = _number_text(value) if _is_number(value) else str(value)
        self.messages = [*self.messages, f"{_shown(_label(obj))} = {_shown(shown)} "
                                         f"(expected {_shown(reason)})"][-MAX_MESSAGES:]
        self.pane.object = ("**A value sent by the page was refused; the previous value is "
                            "kept.**  \n" + "  \n".join(self.messages))
        self.pane.visible = True


def guarded(build: Callable[[], object]) -> Callable[[], object]:
    """``build`` (a function returning a tab's layout) with every object of the layout guarded
    and a :class:`RefusalNotice` at its top."""

    def build_guarded():
        layout = build()
        notice = RefusalNotice()
        guard_layout(layout, notice)
        if isinstance(layout, pn.layout.ListLike):
            layout.insert(0, notice.pane)
            return layout
        return pn.Column(notice.pane, layout, sizing_mode="stretch_both")

    return build_guarded
