"""Stable defaults kept per class (dashboard.stable_defaults): every property of every model
class reads as with Bokeh's own ``_get_default`` (value, type, what Bokeh stores on the model),
themes still win, and a page with every tab serialises exactly as with Bokeh's defaults."""

from __future__ import annotations

import math

import pytest
from bokeh.core.properties import Override
from bokeh.core.property.descriptors import PropertyDescriptor
from bokeh.core.serialization import Serializer
from bokeh.document import Document
from bokeh.model import Model
from bokeh.models import Div, Line, Slider, WheelZoomTool
from bokeh.themes import Theme

import dashboard.app  # noqa: F401  (the app installs the kept defaults)
from dashboard import stable_defaults
from tests.view_support import session_with_every_tab


def _same(a, b) -> bool:
    """Equal values of the same types; models (unstable defaults: new ones per instance)
    compared by kind."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, Model):
        return True
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001  (arrays and the like: compared by kind above)
        return True


def _all_model_classes() -> list[type]:
    import holoviews.plotting.bokeh  # noqa: F401  (registers HoloViews' models)
    import panel.models  # noqa: F401  (registers Panel's models)

    return sorted({cls for cls in Model.model_class_reverse_map.values()},
                  key=lambda cls: cls.__qualified_model__)


def test_installed_by_the_app():
    assert PropertyDescriptor._get_default is stable_defaults._get_default


def test_every_property_of_every_model_class_reads_as_with_bokeh():
    """Two new instances per class, one read through ours and one through Bokeh's: the same
    values of the same types, and Bokeh stores the same unstable defaults on both."""
    checked = classes = 0
    for cls in _all_model_classes():
        try:
            ours, bokehs = cls(), cls()
        except Exception:  # noqa: BLE001  (required arguments: not constructible bare)
            continue
        classes += 1
        for name in sorted(cls.properties()):
            descriptor = cls.lookup(name)
            if name in ours._property_values or not isinstance(descriptor, PropertyDescriptor):
                continue  # set by the constructor, or an alias (reads the aliased property)
            try:
                expected = stable_defaults._BOKEH_GET_DEFAULT(descriptor, bokehs)
            except Exception as error:  # noqa: BLE001
                with pytest.raises(type(error)):
                    stable_defaults._get_default(descriptor, ours)
                continue
            value = stable_defaults._get_default(descriptor, ours)
            again = stable_defaults._get_default(descriptor, ours)  # from the kept default
            assert _same(value, expected) and _same(again, expected), (cls, name, value, expected)
            checked += 1
        assert ours._unstable_default_values.keys() == bokehs._unstable_default_values.keys(), cls
    assert classes > 300 and checked > 10_000  # Bokeh's, Panel's and HoloViews' models


def test_a_theme_overrides_a_kept_default():
    line = Line()
    assert line.line_width == 1 and line.line_alpha == 1.0  # kept defaults, read once
    document = Document()
    document.theme = Theme(json={"attrs": {"Line": {"line_width": 3}, "Slider": {"title": "T"}}})
    slider = Slider(start=0, end=1, value=0)
    document.add_root(line)
    document.add_root(slider)
    assert line.line_width == 3 and slider.title == "T"
    assert line.line_alpha == 1.0  # not themed: the class's default
    other = Line()
    assert other.line_width == 1  # another model of the class, in no themed document
    document.remove_root(line)
    assert line.line_width == 1


def test_mutable_defaults_are_not_shared():
    """Bokeh copies a stable list, dict or spec default on every read (``Line.line_dash`` is
    ``[]``): a kept one would be one object for every model, changed for all by one."""
    first, second = Line(), Line()
    assert first.line_dash == second.line_dash == []
    assert first.line_dash is not second.line_dash
    assert first.x is not second.x  # a Field spec
    assert WheelZoomTool().modifiers is not WheelZoomTool().modifiers


class _WideDiv(Div):
    """A subclass overriding a default, as Panel's models do."""
    width = Override(default=321)
    margin = Override(default=(1, 2, 3, 4))


def test_a_subclass_override_is_that_class_default():
    parent = (Div().width, Div().margin)
    assert parent == (None, 5)  # Bokeh 3.9's
    assert (_WideDiv().width, _WideDiv().margin) == (321, (1, 2, 3, 4))
    assert (Div().width, Div().margin) == parent  # the parent keeps its own
    assert _WideDiv.lookup("width").class_default(_WideDiv) == 321


def test_the_full_page_serialises_as_with_bokeh_defaults():
    document = session_with_every_tab()
    models = list(document.models)
    assert len(models) > 1500  # every tab (~1580; the smallest tab has ~130 models)
    ours = Serializer(deferred=False).encode(models)
    stable_defaults.uninstall()
    try:
        bokehs = Serializer(deferred=False).encode(models)
    finally:
        stable_defaults.install()
    assert ours == bokehs
    assert Serializer(deferred=False).encode(models) == bokehs  # and once more after Bokeh's reads
