"""Bokeh's list, dict and set property values remember their owners in a tuple made on first
use, not in a set made for every value.

Why: a Bokeh model's list, dict and set properties hold ``PropertyValueContainer`` values
(``PropertyValueList``, ...) that notify the models owning them when edited in place.  Each
container made a ``set()`` of owners when created (216 bytes), also the many that never get an
owner or get exactly one.  Bokeh makes every model's mutable defaults (``css_classes``,
``tags``, ``js_property_callbacks``, ...) as containers when it builds the model: ~38,000 per
fully visited session here, 7 MB of a session's ~22 MB (tracemalloc by line,
``bokeh/core/property/wrappers.py``; bench/README.md, "Load").  (No Bokeh or Panel model
defines ``__eq__``: finding an owner in the tuple compares by identity, as the set did.)

Here a container without owners holds no attribute at all (the class's empty tuple is read),
and one with owners holds a tuple of ``(model, descriptor)`` pairs, replaced (never edited) on
registration: a copy of a container (``copy.copy``) then never shares a mutable owner set
with its original, as Bokeh's shared set did.  Registering twice keeps one entry, removing an
absent owner does nothing, notification visits every owner: Bokeh's semantics
(tests/dashboard/test_container_owners.py, and the whole suite runs with it installed).

:func:`install` patches ``PropertyValueContainer`` for the process (idempotent; called when
``dashboard.app`` is imported); it holds no model and no session state.
"""

from __future__ import annotations

from bokeh.core.property.wrappers import PropertyValueContainer

_BOKEH = {name: PropertyValueContainer.__dict__[name]
          for name in ("__init__", "_register_owner", "_unregister_owner")}


def _init(self, *args, **kwargs) -> None:
    super(PropertyValueContainer, self).__init__(*args, **kwargs)


def _register_owner(self, owner, descriptor) -> None:
    entry = (owner, descriptor)
    if entry not in self._owners:
        self._owners = (*self._owners, entry)


def _unregister_owner(self, owner, descriptor) -> None:
    entry = (owner, descriptor)
    if entry in self._owners:
        self._owners = tuple(item for item in self._owners if item != entry)


def install() -> None:
    """Owners in tuples made on first use, for every container of this process (idempotent)."""
    PropertyValueContainer._owners = ()
    PropertyValueContainer.__init__ = _init
    PropertyValueContainer._register_owner = _register_owner
    PropertyValueContainer._unregister_owner = _unregister_owner


def uninstall() -> None:
    """Bokeh's own owner sets again, for containers made afterwards (tests compare)."""
    for name, function in _BOKEH.items():
        setattr(PropertyValueContainer, name, function)
    if "_owners" in vars(PropertyValueContainer):  # Bokeh's class only annotates it
        del PropertyValueContainer._owners
