"""The tab set's lazy holders (dashboard/lazy_tabs.py): a tab is built on its first visit
only, kept afterwards, and a failing build leaves a short text instead of a traceback."""

from __future__ import annotations

import panel as pn

from dashboard.lazy_tabs import BUILDING_TEXT, FAILED_TEXT, LazyTabContents


def _texts(holder) -> str:
    return " ".join(getattr(part, "object", "") or "" for part in holder.objects)


def test_each_tab_is_built_once_on_its_first_visit():
    built = []

    def builder(name):
        def build():
            built.append(name)
            return pn.pane.Markdown(name)
        return build

    lazy = LazyTabContents([builder("a"), builder("b"), builder("c")])
    assert built == [] and all(BUILDING_TEXT in _texts(h) for h in lazy.holders)
    assert lazy.show(1) is True
    assert built == ["b"] and lazy.holders[1].objects[0].object == "b"
    assert lazy.show(1) is False and lazy.show(0) is True and lazy.show(1) is False
    assert built == ["b", "a"]
    assert BUILDING_TEXT in _texts(lazy.holders[2])  # never shown, never built
    assert lazy.show(7) is False and lazy.show(-1) is False  # no such tab: nothing happens


def test_a_tab_that_cannot_be_built_says_so_and_the_others_still_work(caplog):
    def broken():
        raise RuntimeError("boom")

    lazy = LazyTabContents([broken, lambda: pn.pane.Markdown("fine")])
    assert lazy.show(0) is True
    assert FAILED_TEXT in _texts(lazy.holders[0]) and "boom" not in _texts(lazy.holders[0])
    assert "could not be built" in caplog.text
    assert lazy.show(1) is True and lazy.holders[1].objects[0].object == "fine"


def test_the_app_builds_only_the_tab_the_link_opens():
    from dashboard.app import create_app
    from dashboard.tabs import TABS

    template = create_app()
    tabs = next(obj for obj in template.main.objects if isinstance(obj, pn.Tabs))
    assert not tabs.dynamic  # a tab shown again is kept in the page, not rendered anew
    shown = [BUILDING_TEXT not in _texts(holder) for holder in tabs.objects]
    assert shown == [i == tabs.active for i in range(len(TABS))]
    tabs.active = (tabs.active + 1) % len(TABS)
    assert BUILDING_TEXT not in _texts(tabs.objects[tabs.active])
