"""Shareable links: every tab's widgets synced with the URL query string, both ways.

A query key is ``<tab>.<name>`` (``recoil.mu_nu=1e-11``) plus ``tab=<tab>`` for the tab shown.
Names are in physical units, as the model takes them (``mu_nu`` in μ_B, ``threshold_keV``),
not in slider positions; only values that differ from a tab's defaults are written, so links
stay short.  Opening a link applies its values when their tab is built; a value that is
malformed, out of the widget's range or rejected by the model is ignored (the default stays)
and listed in a visible notice.  Presentation only: the model still validates every value.
"""

from __future__ import annotations

import html
import math
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import panel as pn

MAX_VALUE_CHARS = 100  # longer values are refused unread: no field needs more
MAX_QUERY_CHARS = 8000  # a longer query string is ignored whole
TAB_KEY = "tab"
APP_KEYS = {"tour": ("0", "1"), "present": ("0", "1")}
"""App-level switches in links (``?tour=1``: the guided tour; ``?present=1``: projector mode)."""


@dataclass(frozen=True)
class UrlField:
    """One widget of a view in the query string.

    ``widget`` names the view's attribute holding the widget (``"a.b"``: key b of dict a).
    ``log10``: the widget holds log10 of the value (the URL has the value itself).
    ``scale``: the URL value is the widget value times ``scale`` (a slider in units of
    1e-32 cm² written in cm²).  ``follows``: the name of a field that sets this one when it is
    applied (a source sets its flux): whenever that field is in the link, this one is
    written too, default or not, so that the link reproduces it.  ``implied``: values never
    written, because the view derives them from the others (a "custom" preset).
    """

    name: str
    widget: str
    log10: bool = False
    scale: float = 1.0
    follows: str = ""
    implied: tuple = ()

    def encode(self, value, step: float | None = None) -> str:
        """``value`` (the widget's) as the URL writes it: the shortest of 6, 9, 12 or 17
        significant digits that :meth:`decode` turns back into ``value`` (a log slider's
        position comes back from 6 digits only on the slider's ``step``; a fast oscillation
        phase, mu B x, needs every digit of B).

        Never raises: a value no link can hold (infinite, NaN, 10**value beyond the floats or
        0, not a number at all) is written as it is ("inf", "0", ...), and :meth:`decode`
        refuses it when the link is opened.  The link must keep updating whatever a widget
        was given (a value sent over the websocket, a model set in a notebook)."""
        if isinstance(value, bool) or value is None or isinstance(value, str):
            return str(value)
        try:
            number = self._to_url(value)
            if not math.isfinite(number) or (self.log10 and number == 0.0):
                return f"{number:g}"
            for digits in (6, 9, 12, 17):
                text = f"{number:.{digits}g}"
                if self._from_url(float(text), step) == value:
                    break
            return text
        except (ArithmeticError, TypeError, ValueError):  # not a real number
            return str(value)[:MAX_VALUE_CHARS]

    def _to_url(self, value: float) -> float:
        if self.log10:
            try:
                return 10.0**value
            except OverflowError:  # 10**400: beyond the floats
                return math.inf
        return value * self.scale

    def _from_url(self, number: float, step: float | None) -> float:
        return _snap(math.log10(number) if self.log10 else number / self.scale, step)

    def text_of(self, widget) -> str:
        """The URL text of ``widget``'s current value."""
        return self.encode(widget.value, getattr(widget, "step", None))

    def decode(self, widget, text: str):
        """The widget value for ``text``; ValueError with a reason if it cannot be one."""
        if getattr(widget, "free_text", False):  # the widget checks the text itself
            return text
        options = getattr(widget, "options", None)
        if options is not None:
            values = list(options.values()) if isinstance(options, Mapping) else list(options)
            for value in values:
                if str(value) == text or (isinstance(value, bool) and str(value).lower() == text.lower()):
                    return value
            raise ValueError("one of " + ", ".join(str(v) for v in values))
        if isinstance(widget, pn.widgets.Checkbox):
            lowered = text.lower()
            if lowered in ("true", "1"):
                return True
            if lowered in ("false", "0"):
                return False
            raise ValueError("true or false")
        try:
            number = float(text)
        except ValueError:
            raise ValueError("a number") from None
        if not math.isfinite(number):
            raise ValueError("a finite number")
        if self.log10 and number <= 0:
            raise ValueError("a positive number")
        value = self._from_url(number, getattr(widget, "step", None))
        low, high = getattr(widget, "start", None), getattr(widget, "end", None)
        if (low is not None and value < low - 1e-9) or (high is not None and value > high + 1e-9):
            shown = [None if b is None else self.encode(b) for b in (low, high)]
            raise ValueError(f"a number in [{shown[0]}, {shown[1]}]")
        return value


def widget_of(view, path: str):
    """The widget at ``path`` on ``view``: attributes, or keys of a dict of widgets (``a.b``)."""
    obj = view
    for part in path.split("."):
        obj = obj[part] if isinstance(obj, Mapping) else getattr(obj, part)
    return obj


def _snap(position: float, step: float | None) -> float:
    # A position written with 6 digits comes back up to ~2e-6 off its step: put it back on.
    if step and math.isfinite(position / step):  # a huge position is out of range anyway
        on_step = round(position / step) * step
        if abs(on_step - position) < 1e-3 * step:
            return round(on_step, 12)
    return position


def parse_query(search: str) -> dict[str, str]:
    """``?a=1&b=2`` as a dict of strings; a repeated key keeps its last value.

    Tolerant of anything a link can hold: a second ``?`` stays in the value (``3e-11?x=1``,
    refused later as not a number), percent-encodings that are not UTF-8 decode to U+FFFD,
    numbers are not converted here (Python refuses int() of more than 4300 digits).  A query
    longer than ``MAX_QUERY_CHARS`` gives {} unread (the caller reports it)."""
    if not isinstance(search, str) or len(search) > MAX_QUERY_CHARS:
        return {}
    return dict(urllib.parse.parse_qsl(search.removeprefix("?"), keep_blank_values=True,
                                       errors="replace", max_num_fields=MAX_QUERY_CHARS))


# Characters that start Markdown syntax (links, images, emphasis, code, autolinks, emoji
# shortcodes, tables, headings) and TeX delimiters: written as numeric character references,
# which Markdown decodes as literal text and never as syntax (CommonMark, "Entity and numeric
# character references").  Letters, digits, spaces and non-ASCII letters stay readable.
_MARKUP = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _literal(text: str) -> str:
    """``text`` as Markdown that renders it literally: HTML escaped (&lt;, &amp;, ...), every
    other ASCII punctuation as a character reference, control and format characters (line
    breaks, bidirectional overrides) as U+FFFD, and no TeX-significant character ($, \\) next
    to another character, so that no MathJax delimiter ($$, \\(, \\[) can form after the
    browser decodes the references."""
    parts = []
    for i, char in enumerate(text):
        inside_word = 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()
        if char == "_" and inside_word:
            parts.append(char)  # inside a word (mu_nu): never emphasis, and names stay readable
        elif char in "&<>\"":
            parts.append(html.escape(char))
        elif char in "$\\":
            parts.append(f"<span>&#{ord(char)};</span>")
        elif char in _MARKUP:
            parts.append(f"&#{ord(char)};")
        elif not char.isprintable():
            parts.append("\ufffd")
        else:
            parts.append(char)
    return "".join(parts)


def _shown(text: str) -> str:
    # User text inside the notice's Markdown: no HTML, no Markdown, no TeX, bounded length.
    text = str(text)
    text = text if len(text) <= 40 else text[:40] + "…"
    return "<code>" + _literal(text) + "</code>"


class UrlState:
    """Keeps the query string of one session in step with its tabs' widgets.

    ``tabs`` maps a tab key (``"recoil"``) to the view class's ``URL_FIELDS``; ``location``
    is ``pn.state.location`` when served (None in a notebook: nothing is written).  Views
    are registered with :meth:`attach` when they are built; every attached view needs an
    ``alert`` (its rejected-input message) to tell a value the model refused.
    """

    def __init__(self, search: str, tabs: Mapping[str, Sequence[UrlField]], location=None):
        self.location = location
        self.fields = {key: {f.name: f for f in fields} for key, fields in tabs.items()}
        self.notice = pn.pane.Alert("", alert_type="info", visible=False,
                                    sizing_mode="stretch_width")
        self.views: dict[str, object] = {}
        self.defaults: dict[str, dict[str, str]] = {}
        self.tab = next(iter(tabs))
        self.messages: list[str] = []
        self.app_values: dict[str, str] = {}
        self.after_attach: dict[str, list] = {}  # tab key -> callbacks(view), run once
        # each attached tab's part of the query, None once one of its widgets changed: a move
        # recomputes its own tab's part, not every open tab's (~70 widgets read per move)
        self._tab_parts: dict[str, dict[str, str] | None] = {}
        self._pending: dict[str, dict[str, str]] = {key: {} for key in tabs}
        query = parse_query(search)
        if len(search) > MAX_QUERY_CHARS:
            self._reject("the query string", search, f"at most {MAX_QUERY_CHARS} characters")
            query = {}
        for key, text in query.items():
            if key == TAB_KEY:
                if text in self.fields:
                    self.tab = text
                else:
                    self._reject(key, text, "one of " + ", ".join(self.fields))
                continue
            if key in APP_KEYS:
                if text in APP_KEYS[key]:
                    self.app_values[key] = text
                else:
                    self._reject(key, text, "one of " + ", ".join(APP_KEYS[key]))
                continue
            tab, _, name = key.partition(".")
            if tab not in self.fields or name not in self.fields[tab]:
                self._reject(key, text, "a known parameter", unknown=True)
            elif len(text) > MAX_VALUE_CHARS:
                self._reject(key, text, f"at most {MAX_VALUE_CHARS} characters")
            else:
                self._pending[tab][name] = text
        self._show_notice()
        if location is not None:
            # The browser reports its address when the page connects, after this session wrote
            # its own: write again (values dropped from a bad link must leave the address).
            location.param.watch(self._write_soon, "search")

    # --- URL -> widgets ---------------------------------------------------------------------
    def attach(self, key: str, view) -> pn.pane.Alert:
        """Apply the link's values for tab ``key`` to ``view``, then keep the URL in step.

        Returns a notice for the tab's own rejected values (hidden if none), to be laid out
        in the tab: the app's notice pane may not be changed while a lazy tab is being built.
        """
        fields = self.fields[key]
        self.defaults[key] = {name: f.text_of(widget_of(view, f.widget))
                              for name, f in fields.items()}
        pending = self._pending.pop(key, {})
        first_new = len(self.messages)
        for name, f in fields.items():  # field order: a preset or source before what it sets
            if name in pending:
                self._apply(view, key, f, pending[name])
        self.views[key] = view
        self._tab_parts[key] = None
        for f in fields.values():
            widget_of(view, f.widget).param.watch(partial(self._tab_changed, key), "value")
        for callback in self.after_attach.pop(key, []):
            callback(view)
        flush = getattr(view, "flush_deferred", None)
        if flush is not None:  # the view is not in the page yet: no reason to wait
            flush()
        self.write()
        notice = pn.pane.Alert("", alert_type="info", visible=False, sizing_mode="stretch_width")
        _fill_notice(notice, self.messages[first_new:])
        return notice

    def _apply(self, view, key: str, field: UrlField, text: str) -> None:
        widget = widget_of(view, field.widget)
        try:
            value = field.decode(widget, text)
        except ValueError as reason:
            self._reject(f"{key}.{field.name}", text, str(reason))
            return
        previous = widget.value
        widget.value = value
        alert = view.alert
        if alert.visible:  # the model refused it: back to the default, which it accepted
            message = alert.object.removeprefix("**Input not accepted:** ")
            widget.value = previous
            alert.visible = False  # the link's notice says it
            self._reject(f"{key}.{field.name}", text, "a value the model accepts", message)

    def _reject(self, key: str, text: str, expected: str, detail: str = "", unknown=False):
        what = "unknown parameter" if unknown else f"expected {expected}"
        message = f"{_shown(key)} = {_shown(text)} ignored ({what})"
        if detail:
            message += f": {_literal(detail[:200])}"
        self.messages.append(message)

    def _show_notice(self) -> None:
        _fill_notice(self.notice, self.messages)

    def message_text(self) -> str:
        """Every rejected value of the link so far, as the notices list them."""
        return "  \n".join(self.messages)

    # --- widgets -> URL ---------------------------------------------------------------------
    def query(self) -> dict[str, str]:
        """The query for the current state: the shown tab and every non-default value
        (a tab not opened yet keeps the link's accepted values for it)."""
        query = {TAB_KEY: self.tab} if self.tab != next(iter(self.fields)) else {}
        query.update({key: text for key, text in self.app_values.items() if text != "0"})
        for key, pending in self._pending.items():
            query.update({f"{key}.{name}": text for name, text in pending.items()})
        for key in self.views:
            part = self._tab_parts.get(key)
            if part is None:
                part = self._tab_parts[key] = self._tab_part(key)
            query.update(part)
        return query

    def _tab_part(self, key: str) -> dict[str, str]:
        """Tab ``key``'s values that differ from its defaults (and the followers of those)."""
        view, part, written = self.views[key], {}, set()
        for name, f in self.fields[key].items():  # a leader comes before its followers
            widget = widget_of(view, f.widget)
            if widget.value in f.implied:
                continue
            text = f.text_of(widget)
            if text != self.defaults[key][name] or f.follows in written:
                part[f"{key}.{name}"] = text
                written.add(name)
        return part

    def _tab_changed(self, key: str, *events) -> None:
        self._tab_parts[key] = None
        self.write()

    def search(self) -> str:
        query = self.query()
        return "?" + urllib.parse.urlencode(query, safe=".,:") if query else ""

    def show_tab(self, key: str) -> None:
        self.tab = key
        self.write()

    def set_app_value(self, key: str, text: str) -> None:
        """An app-level switch (``present``, ``tour``) into the link ("0": left out)."""
        self.app_values[key] = text
        self.write()

    def _write_soon(self, *events) -> None:
        self.write()

    def write(self) -> None:
        if self.location is None:
            return
        search = self.search()
        if self.location.search != search:
            self.location.search = search


def _fill_notice(notice: pn.pane.Alert, messages: list[str]) -> None:
    # No MathJax in a notice: its text quotes the link, and TeX could draw links (\\href).
    notice.disable_math = True
    if messages:
        notice.object = ("**Some values in the link were not used; the defaults are shown "
                         "instead.**  \n" + "  \n".join(messages))
        notice.visible = True
