"""A session document's model manager without the costs that grew with the page (server only).

Why: a page with every tab open holds ~1750 Bokeh models, and two things Bokeh does walk all of
them (profile of the 30-user load bench, ``python -m bench.profile_stacks``; bench/README.md,
"Load"):

* when a tab is first shown its models join the page, and Bokeh recomputes the document's
  set of models (``DocumentModelManager.recompute``) by walking every model through its
  property descriptors: each unset property's default is computed again, every time, 35-113
  ms per first visit.  :func:`referenced_models` walks the same graph through the values
  Bokeh stores (``_property_values``, the unstable defaults it has materialised, the theme's
  values) and skips defaults that can hold no model: the same models, 16-26 ms for the full
  page;
* every message to the browser (``patch_doc.create``) started by building ``{id(model): ref}``
  of every model the browser has, ~1.2 ms per message, and a slider move sends several (the
  redraw, the link's URL, the deferred subtitles): 13 % of the server's CPU in the load bench.
  :class:`SessionModelManager` keeps that mapping between messages and renews it only when
  the models the browser has change;
* every message from the browser (a slider's value) began by building ``{model.id: model}``
  of every model of the page (``Document.apply_json_patch``), ~1.2 ms of server CPU per
  slider move in the load bench, 3.6 % of it: :func:`_apply_json_patch` copies the manager's
  own ``{id: model}`` dict instead (~0.01 ms).

Both are tested against Bokeh's own (tests/dashboard/test_document_models.py: the same models
on every tab's page, the same messages).  :func:`install` gives one session's document this
manager; everything else is Bokeh 3.9's.  A Bokeh whose manager is not the one this was
written for leaves the document as it is (logged); the test then fails and says so.  Server
CPU only: what is sent to the browser is unchanged.
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


class SessionModelManager(DocumentModelManager):
    """Bokeh 3.9's model manager of a document, with two costs that grew with the page gone:

    * :meth:`recompute` walks the page with :func:`referenced_models`;
    * :meth:`synced_refs`: the references every outgoing message starts from (``{id(model):
      ref}`` of the models the browser has), kept between messages.  Bokeh's
      ``patch_doc.create`` rebuilt them from every model of the page for every message
      (~1.2 ms per message on a page of ~2250 models; a slider move sends several: the redraw,
      the link's URL, the deferred subtitles), see :func:`_create_patch`.

    Everything else is Bokeh's.  Set on a document by :func:`install`.
    """

    _synced_refs: dict[int, dict] | None = None

    def recompute(self) -> None:
        # Bokeh 3.9's DocumentModelManager.recompute with the walk above.
        from bokeh.util.datatypes import MultiValuedDict

        document = self._document()
        if document is None:
            return
        recomputed = referenced_models(document.roots)
        new_models = set(recomputed.values())
        old_models = set(self._models.values())
        by_name: MultiValuedDict[str, Model] = MultiValuedDict()
        for model in new_models:
            if model.name is not None:
                by_name.add_value(model.name, model)
        detached, attached = old_models - new_models, new_models - old_models
        for model in detached:
            self._seen_model_ids.add(model.id)
            model._detach_document()
        for model in attached:
            model._attach_document(document)
            self._new_models.add(model)
        self._models = recomputed
        self._models_by_name = by_name
        if detached or attached:
            self._synced_refs = None

    def flush_synced(self, is_still_new=None) -> None:
        if not self._new_models:
            return  # nothing to flush: the synced models are unchanged (most messages)
        super().flush_synced(is_still_new)
        self._synced_refs = None

    def __setitem__(self, id, model) -> None:
        super().__setitem__(id, model)
        self._synced_refs = None

    def synced_refs(self) -> dict[int, dict]:
        """A new dict ``{id(model): model.ref}`` of the models the browser has (the one
        Bokeh's Serializer builds from ``synced_references``), copied from a kept one."""
        if self._synced_refs is None:
            new = self._new_models
            self._synced_refs = {id(model): model.ref for model in self._models.values()
                                 if model not in new}
        return dict(self._synced_refs)


def _create_patch(cls, events, **metadata):
    """``patch_doc.create`` (Bokeh 3.9), starting from the kept references of a document with a
    :class:`SessionModelManager`; any other document's message is made by Bokeh's own."""
    from bokeh.core.serialization import Serializer
    from bokeh.protocol.messages.patch_doc import PatchJson

    documents = {event.document for event in events}
    manager = next(iter(documents)).models if len(documents) == 1 else None
    if not isinstance(manager, SessionModelManager):
        return _BOKEH_CREATE_PATCH(cls, events, **metadata)
    header = cls.create_header()
    serializer = Serializer()
    serializer._references = manager.synced_refs()
    patch_json = PatchJson(events=serializer.encode(events))
    manager.flush_synced(lambda model: not serializer.has_ref(model))
    message = cls(header, metadata, patch_json)
    message.add_buffers(*serializer.buffers)
    return message


_BOKEH_CREATE_PATCH = None


def _use_kept_references() -> bool:
    """Make ``patch_doc.create`` start from kept references (once per process)."""
    global _BOKEH_CREATE_PATCH
    from bokeh.protocol.messages.patch_doc import patch_doc

    if _BOKEH_CREATE_PATCH is None:
        _BOKEH_CREATE_PATCH = patch_doc.create.__func__
        patch_doc.create = classmethod(_create_patch)
    return True


def _apply_json_patch(document: Document, patch_json, *, setter=None) -> None:
    """Bokeh 3.9's ``Document.apply_json_patch`` with the deserializer's references (``{id:
    model}`` of the page, to which it adds the models a patch creates) copied from the model
    manager's dict, not rebuilt model by model."""
    from bokeh.core.serialization import Deserializer, UnknownReferenceError
    from bokeh.document.events import DocumentPatchedEvent

    deserializer = Deserializer(setter=setter)
    deserializer._references = dict(document.models._models)
    try:
        patch = deserializer.deserialize(patch_json)
    except UnknownReferenceError as error:
        if document.models.seen(error.id):  # removed here while the browser changed it
            log.debug("Dropping a patch: it refers to a removed model (id=%r)", error.id)
            return
        raise
    for event in patch["events"]:
        DocumentPatchedEvent.handle_event(document, event, setter)
    document.models.flush_synced(lambda model: not deserializer.has_ref(model))


def install(document: Document) -> bool:
    """Give ``document`` a :class:`SessionModelManager` (and :func:`_apply_json_patch`); False
    (and the document unchanged) if this Bokeh's model manager is not the one it was written
    for (Bokeh 3.9's)."""
    manager = document.models
    missing = [name for name in _MANAGER_STATE if not hasattr(manager, name)]
    if type(manager) is not DocumentModelManager or missing:
        log.warning("Bokeh's document model manager is %s%s: not replaced", type(manager).__name__,
                    f" without {', '.join(missing)}" if missing else "")
        return type(manager) is SessionModelManager
    manager.__class__ = SessionModelManager
    document.apply_json_patch = MethodType(_apply_json_patch, document)
    return _use_kept_references()
