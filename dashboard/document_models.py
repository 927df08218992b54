"""A session document's set of models, recomputed ~5x faster than Bokeh does it (server only).

Why: when a tab is first shown its models join the page, and Bokeh recomputes the document's
set of models (``DocumentModelManager.recompute``) by walking every model of the page through
its property descriptors: each unset property's default is computed again, for every model,
every time.  With all seven tabs open a page holds ~2250 models and one walk took 35-113 ms of
server CPU, growing with every tab (``python -m bench.bench_tab_build``; bench/README.md,
"Load").  :func:`referenced_models` walks the same graph through the values Bokeh stores
(``_property_values``, the unstable defaults it has materialised, the theme's values), and
skips defaults that can hold no model: the same set of models, ~5x faster
(tests/dashboard/test_document_models.py compares the two on every tab's page).

:func:`install` gives one session's document this walk; everything else of Bokeh's
recomputation (attaching and detaching models, the name index) is kept as Bokeh 3.9 does it.
A Bokeh without the private members used here leaves the document as it is (logged); the test
then fails and names them.  Server CPU only: what is sent to the browser is unchanged.
"""

from __future__ import annotations

import logging
from dataclasses import is_dataclass
from types import MethodType

from bokeh.core.has_props import HasProps
from bokeh.document import Document
from bokeh.document.models import DocumentModelManager
from bokeh.model import Model
from bokeh.model.util import visit_immediate_value_references
from bokeh.util.dataclasses import entries

log = logging.getLogger(__name__)

_SCALARS = frozenset({int, float, str, bool, type(None)})
_MANAGER_STATE = ("_document", "_models", "_models_by_name", "_seen_model_ids", "_new_models")
# (model class, property name) -> True if the property's default holds no model.
_DEFAULT_HOLDS_NO_MODEL: dict[tuple[type, str], bool] = {}


def _visit(value, visitor) -> None:
    """Call ``visitor`` with each model in ``value`` (containers, dataclasses and non-model
    HasProps searched, models not entered), as Bokeh's
    ``visit_value_and_its_immediate_references`` does."""
    kind = type(value)
    if kind in _SCALARS:
        return
    if kind is list or issubclass(kind, (list, tuple)):
        for item in value:
            _visit(item, visitor)
    elif issubclass(kind, dict):
        for key, item in value.items():
            _visit(key, visitor)
            _visit(item, visitor)
    elif issubclass(kind, HasProps):
        if issubclass(kind, Model):
            visitor(value)
        else:
            visit_immediate_value_references(value, visitor)
    elif is_dataclass(value):
        for _, item in entries(value):
            _visit(item, visitor)


def _default_holds_no_model(model: Model, name: str) -> bool:
    key = (type(model), name)
    holds_none = _DEFAULT_HOLDS_NO_MODEL.get(key)
    if holds_none is None:
        # A stable default is the same value for every instance: look at it once.  (Defaults
        # that could hold a model are unstable: Bokeh materialises them at construction.)
        if model.lookup(name).has_unstable_default(model):
            holds_none = False
        else:
            found: list[Model] = []
            _visit(getattr(model, name), found.append)
            holds_none = not found
        _DEFAULT_HOLDS_NO_MODEL[key] = holds_none
    return holds_none


def _values_with_models(model: Model):
    """The values of ``model``'s properties that can hold models, as ``getattr`` gives them."""
    stored = model._property_values
    themed = model.themed_values()
    materialised = model._unstable_default_values
    for name in type(model).properties_with_refs():
        if name in stored:
            yield stored[name]
        elif themed is not None and name in themed:
            yield getattr(model, name)
        elif name in materialised:
            yield materialised[name]
        elif not _default_holds_no_model(model, name):
            yield getattr(model, name)


def referenced_models(roots) -> dict[str, Model]:
    """Every model reachable from ``roots``, by id: the union of Bokeh's ``root.references()``."""
    found: dict[str, Model] = {}
    queue: list[Model] = []
    for root in roots:
        _visit(root, queue.append)
    while queue:
        model = queue.pop()
        if model.id in found:
            continue
        found[model.id] = model
        for value in _values_with_models(model):
            _visit(value, queue.append)
    return found


def _recompute(manager: DocumentModelManager) -> None:
    # Bokeh 3.9's DocumentModelManager.recompute with the walk above.
    from bokeh.util.datatypes import MultiValuedDict

    document = manager._document()
    if document is None:
        return
    recomputed = referenced_models(document.roots)
    new_models = set(recomputed.values())
    old_models = set(manager._models.values())
    by_name: MultiValuedDict[str, Model] = MultiValuedDict()
    for model in new_models:
        if model.name is not None:
            by_name.add_value(model.name, model)
    for model in old_models - new_models:
        manager._seen_model_ids.add(model.id)
        model._detach_document()
    for model in new_models - old_models:
        model._attach_document(document)
        manager._new_models.add(model)
    manager._models = recomputed
    manager._models_by_name = by_name


def install(document: Document) -> bool:
    """Recompute ``document``'s model set with :func:`referenced_models`; False (and the
    document unchanged) if this Bokeh's model manager lacks the members it relies on."""
    manager = document.models
    missing = [name for name in (*_MANAGER_STATE, "recompute") if not hasattr(manager, name)]
    if missing:
        log.warning("Bokeh's document model manager lacks %s: faster recompute not installed",
                    ", ".join(missing))
        return False
    manager.recompute = MethodType(_recompute, manager)
    return True
