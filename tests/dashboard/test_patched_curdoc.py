"""Bokeh's ``patch_curdoc`` restored after an exception (``server_guard.install_restoring_patch_curdoc``).

Every session callback and browser message runs inside ``patch_curdoc(document)`` (Bokeh's
``invoke_with_curdoc``).  Bokeh 3.9's pops that document only when the block ends normally, so
a callback that raised left its session's document as ``curdoc()`` for the whole process."""

from __future__ import annotations

import pytest
from bokeh.document import Document
from bokeh.document.callbacks import invoke_with_curdoc
from bokeh.io import doc as bokeh_doc
from bokeh.io.doc import curdoc

from dashboard import server_guard
from tests.dashboard.test_closed_sockets import _run


def _raising():
    raise ValueError("a session callback that failed")


@pytest.fixture()
def stack():
    kept = list(bokeh_doc._PATCHED_CURDOCS)
    yield bokeh_doc._PATCHED_CURDOCS
    bokeh_doc._PATCHED_CURDOCS[:] = kept


def test_bokehs_own_leaves_the_document_of_a_failed_callback_as_curdoc(stack):
    server_guard.install_restoring_patch_curdoc()
    session_document = Document()
    before = len(stack)
    with pytest.raises(ValueError):
        with server_guard._BOKEH_PATCH_CURDOC(session_document):
            _raising()
    assert len(stack) == before + 1 and curdoc() is session_document  # Bokeh 3.9's behaviour


def test_a_failed_callback_leaves_curdoc_as_it_was(stack):
    server_guard.install_restoring_patch_curdoc()
    before, outside = list(stack), curdoc()
    session_document = Document()
    with pytest.raises(ValueError):
        invoke_with_curdoc(session_document, _raising)  # Bokeh's runner of session callbacks
    assert stack == before and curdoc() is outside
    seen = []
    invoke_with_curdoc(session_document, lambda: seen.append(curdoc()))  # still patched inside
    assert seen == [session_document] and stack == before
    other = Document()
    with server_guard.restoring_patch_curdoc(session_document):
        with pytest.raises(ValueError):
            with server_guard.restoring_patch_curdoc(other):
                assert curdoc() is other
                _raising()
        assert curdoc() is session_document  # the outer block's document again
    assert stack == before


def test_every_user_of_bokehs_patch_curdoc_gets_the_restoring_one():
    import importlib

    server_guard.install_restoring_patch_curdoc()
    for name in server_guard.PATCH_CURDOC_USERS:
        assert importlib.import_module(name).patch_curdoc is server_guard.restoring_patch_curdoc


def test_protecting_a_server_installs_it():
    from bokeh.application import Application
    from bokeh.server.tornado import BokehTornado

    async def protect():
        app = BokehTornado({"/app": Application()})
        server_guard.protect_server(app, server_guard.settings_from([], environ={}))
        server_guard._protected[app].reaper.stop()

    server_guard.install_restoring_patch_curdoc()
    bokeh_doc.patch_curdoc = server_guard._BOKEH_PATCH_CURDOC  # as before any install
    try:
        _run(protect)
        assert bokeh_doc.patch_curdoc is server_guard.restoring_patch_curdoc
    finally:
        bokeh_doc.patch_curdoc = server_guard.restoring_patch_curdoc


def test_a_lazy_tab_build_that_raises_leaves_curdoc_as_it_was(stack):
    from panel.io.state import set_curdoc

    from dashboard.app import _in_session_document

    before, outside = list(stack), curdoc()
    with set_curdoc(Document()):  # a served session's callback
        with pytest.raises(ValueError):
            _in_session_document(_raising)()
    assert stack == before and curdoc() is outside
