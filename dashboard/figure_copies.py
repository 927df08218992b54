"""Each session gets its own copy of a figure HoloViews drew once: a tab's first visit no longer
pays for HoloViews' rendering.

Why: in the load bench (bench/README.md, "Load") a tab's first visit was the server's largest
cost, and about half of it was HoloViews turning an overlay into Bokeh models
(``Renderer.get_plot``: 130-440 ms per figure here).  Thirty students opening one link all draw
the same default figures.  So :class:`FigureTemplates` keeps the Bokeh figure HoloViews made
for a given input (the curves' arrays, styles and options, see :func:`spec_key`) and hands
every caller a deep copy (:func:`copy_model_tree`): new models with new ids, new containers
and arrays, nothing shared with the template or another session (Bokeh models must never be
shared between sessions).  A copy costs 10-20 ms and serialises exactly as the template
does (tests/dashboard/test_figure_copies.py).

Presentation plumbing only, no physics.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import numpy as np
from bokeh.core.property.wrappers import PropertyValueContainer
from bokeh.core.property.singletons import Intrinsic, Undefined
from bokeh.model import Model
from bokeh.util.dataclasses import Unspecified
from bokeh.util.serialization import make_id

TEMPLATE_ENTRIES = 32  # distinct figures kept per process (the ten default figures: 6.7 MB)

_IMMUTABLE = (str, int, float, bool, complex, type(None), bytes, np.generic,
              type(Unspecified), type(Undefined), type(Intrinsic))  # the last: Bokeh's sentinels
# Instance attributes of a Bokeh model that are not property values or its parent/coordinates.
_FRESH_STATE = {"_id", "_property_values", "_unstable_default_values", "_unstable_themed_values",
                "_callbacks", "_event_callbacks", "_document", "_temp_document", "_initialized"}


def _copy_value(value, copies: dict[Model, Model]):
    """``value`` with every model replaced by its copy and every container and array new."""
    if isinstance(value, Model):
        return copies[value]
    if isinstance(value, _IMMUTABLE):
        return value
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {key: _copy_value(item, copies) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy_value(item, copies) for item in value]
    if isinstance(value, tuple):
        return tuple(_copy_value(item, copies) for item in value)
    if isinstance(value, (set, frozenset)):
        items = (_copy_value(item, copies) for item in value)
        return frozenset(items) if isinstance(value, frozenset) else set(items)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{field.name: _copy_value(getattr(value, field.name), copies)
                                             for field in dataclasses.fields(value) if field.init})
    raise TypeError(f"cannot copy a {type(value).__name__} held by a Bokeh model")


def copy_model_tree(root: Model) -> dict[Model, Model]:
    """A deep copy of ``root`` and every model it references: ``{original: copy}``.

    The copies have new ids, belong to no document and share no mutable value with the
    originals (lists, dicts, sets, arrays and dataclass values are copied; strings and numbers
    are immutable).  Property values are copied as they are stored, without Bokeh's validation
    (they were validated when set on the original), which makes a copy ~15x cheaper than
    HoloViews' rendering or Bokeh's JSON round trip.  Python-side callbacks cannot be copied:
    a tree holding one raises ValueError (HoloViews registers none without streams).
    """
    originals = root.references()
    copies: dict[Model, Model] = {}
    for original in originals:
        if original._callbacks or original._event_callbacks:
            raise ValueError(f"{type(original).__name__} has Python callbacks; not copied")
        copy = type(original).__new__(type(original), id=make_id())  # no property initialisers
        copy._property_values, copy._unstable_default_values = {}, {}
        copy._unstable_themed_values = {}
        copy._callbacks, copy._event_callbacks = {}, {}
        copy._document = copy._temp_document = None
        copies[original] = copy
    for original, copy in copies.items():
        for attribute, value in vars(original).items():  # e.g. figure's _parent, _coordinates
            if attribute not in _FRESH_STATE:
                setattr(copy, attribute, _copy_value(value, copies))
        for store in ("_property_values", "_unstable_default_values"):
            target = getattr(copy, store)
            for name, value in getattr(original, store).items():
                descriptor = copy.lookup(name)
                wrapped = descriptor.property.wrap(_copy_value(value, copies))
                if isinstance(wrapped, PropertyValueContainer):
                    wrapped._register_owner(copy, descriptor)  # in-place edits notify the copy
                target[name] = wrapped
        copy._initialized = True
    return copies


_PLAIN = (str, int, float, bool, type(None), np.integer, np.floating, np.bool_)


def spec_key(*parts) -> str | None:
    """A digest of ``parts`` (nested dicts, lists and tuples of strings, numbers and numeric
    arrays), or None when a part is anything else: such an input is not cached, since equal
    inputs must give equal figures.  Dict order counts (it orders legends)."""

    def plain(value):
        if isinstance(value, _PLAIN):
            return (type(value).__name__, value.item() if isinstance(value, np.generic) else value)
        if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
            return ("array", value.dtype.str, value.shape, value.tobytes())
        if isinstance(value, dict):
            return ("dict", tuple((plain(key), plain(item)) for key, item in value.items()))
        if isinstance(value, (list, tuple)):
            return (type(value).__name__, tuple(plain(item) for item in value))
        raise _NotPlain

    try:
        encoded = pickle.dumps(plain(parts), protocol=5)
    except _NotPlain:
        return None
    return hashlib.blake2b(encoded, digest_size=20).hexdigest()


class _NotPlain(Exception):
    pass


class FigureTemplates:
    """A bounded, least-recently-used store of template figures, keyed by :func:`spec_key`.

    ``copy(key, render)`` returns ``(root copy, {name: copy of that handle})``.  On a miss it
    calls ``render()``, which returns the template's root model and its named handles (the
    models a caller updates later: sources, glyphs); templates are never shown, only copies.
    """

    def __init__(self, entries: int = TEMPLATE_ENTRIES):
        self.entries = entries
        self._templates: OrderedDict[Hashable, tuple[Model, dict[str, Model]]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def copy(self, key: Hashable, render: Callable[[], tuple[Model, dict[str, Model]]]
             ) -> tuple[Model, dict[str, Model]]:
        with self._lock:
            template = self._templates.get(key)
            if template is not None:
                self._templates.move_to_end(key)
                self.hits += 1
        if template is None:
            template = render()
            with self._lock:
                self.misses += 1
                if self.entries > 0:
                    self._templates[key] = template
                    while len(self._templates) > self.entries:
                        self._templates.popitem(last=False)
        root, handles = template
        copies = copy_model_tree(root)
        return copies[root], {name: copies[model] for name, model in handles.items()}

    def __len__(self) -> int:
        return len(self._templates)

    def clear(self) -> None:
        with self._lock:
            self._templates.clear()
            self.hits = self.misses = 0
