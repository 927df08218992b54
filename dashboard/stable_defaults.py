"""Bokeh's unchanging property defaults computed once per class, not on every read.

Why: reading a property that was never set makes Bokeh compute its default again
(``PropertyDescriptor._get_default``): merge the class's overridden defaults along its MRO,
copy the default, validate and transform it.  Serialising a model reads every one of its
properties, ~60 per glyph or widget, also those it then leaves out; creating a model, setting
a property (the old value) and walking the page read them too.  In the 30-user load bench that
was 21 % of the server's CPU (``python -m bench.profile_stacks``; bench/README.md, "Load").

A default that is *stable* (Bokeh's term: not made by a function, so never stored on the
model) and immutable (a number, string, None or a tuple of those) is the same value every
time for a given class and property (a class's overridden defaults are fixed when Bokeh
creates the class), unless a theme overrides it on that model.  Such
defaults are computed by Bokeh once per (class, property) and kept; everything else (unstable
defaults, which Bokeh stores on the model when first read; themed values; mutable defaults)
still goes through Bokeh.  Values read are equal, of the same type, with the same side effects
on the model (tests/dashboard/test_stable_defaults.py compares every property of every Bokeh,
Panel and HoloViews model class with Bokeh's own, and the page of every tab serialised both
ways).

:func:`install` replaces ``PropertyDescriptor._get_default`` for the process (idempotent;
called when ``dashboard.app`` is imported).  It holds no model and no session state, only
class-level defaults.
"""

from __future__ import annotations

from typing import Any

from bokeh.core.property.descriptors import PropertyDescriptor

_BOKEH_GET_DEFAULT = PropertyDescriptor._get_default
_IMMUTABLE = frozenset({int, float, str, bool, type(None), bytes})
_NOT_KEPT = object()
# (model class, property name) -> its default, or _NOT_KEPT if Bokeh computes it every time.
_DEFAULTS: dict[tuple[type, str], Any] = {}


def _is_immutable(value) -> bool:
    if type(value) is tuple:
        return all(_is_immutable(item) for item in value)
    return type(value) in _IMMUTABLE


def _class_default(descriptor: PropertyDescriptor, cls: type):
    """The default every unthemed instance of ``cls`` gets, or ``_NOT_KEPT``."""
    if not isinstance(descriptor, PropertyDescriptor):
        return _NOT_KEPT
    try:
        # has_unstable_default reads the class's own overridden defaults only: the class will do
        if descriptor.has_unstable_default(cls):
            return _NOT_KEPT
        default = descriptor.class_default(cls)
    except Exception:  # noqa: BLE001  (no valid default, an alias: Bokeh's says so on every read)
        return _NOT_KEPT
    return default if _is_immutable(default) else _NOT_KEPT


def _get_default(self: PropertyDescriptor, obj) -> Any:
    key = (obj.__class__, self.name)
    default = _DEFAULTS.get(key)
    if default is None and key not in _DEFAULTS:
        default = _DEFAULTS[key] = _class_default(self, obj.__class__)
    if default is _NOT_KEPT or self.name in obj._property_values:
        return _BOKEH_GET_DEFAULT(self, obj)  # (a value set: Bokeh raises its internal error)
    themed = obj.themed_values()
    if themed is not None and self.name in themed:
        return _BOKEH_GET_DEFAULT(self, obj)
    return default


def install() -> None:
    """Keep stable immutable defaults for every Bokeh model of this process (idempotent)."""
    PropertyDescriptor._get_default = _get_default


def uninstall() -> None:
    """Bokeh's own ``_get_default`` again (tests compare with it)."""
    PropertyDescriptor._get_default = _BOKEH_GET_DEFAULT
