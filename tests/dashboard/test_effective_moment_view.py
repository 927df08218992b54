"""The "Effective moment" tab shows model.effective_magnetic_moment for the inputs it holds."""

from __future__ import annotations

import numpy as np
import pytest

from dashboard.effective_moment_view import CURVES, DISTANCES_KM, EffectiveMomentView
from model import EffectiveMomentCalculator, effective_magnetic_moment
from model.theory import majorana_triangle_inequalities
from tests.view_support import control


def test_the_tab_shows_the_effective_moment_of_its_inputs():
    view = EffectiveMomentView()
    control(view, "baseline").value = "accelerator"
    control(view, "mu_12 entry").value = 3.0  # 3e-12 mu_B
    control(view, "mu_11 entry").value = 1.0
    matrix = np.array([[1e-12, 3e-12, 0.0], [3e-12, 1e-11, 0.0], [0.0, 0.0, 1e-11]])
    expected = effective_magnetic_moment("mu", 0.03, 30.0, matrix, nature="dirac")
    assert view.model.effective_moment() == pytest.approx(float(expected), rel=1e-12, abs=0)
    assert f"{float(expected):.4g} μ_B" in view.readout.object
    for flavour, (label, _) in CURVES.items():
        x, y = view.figures["distance"].data(label)
        np.testing.assert_allclose(
            y, effective_magnetic_moment(flavour, DISTANCES_KM, 30.0, matrix, nature="dirac"),
            rtol=1e-12)


def test_majorana_keeps_transition_moments_only_and_the_triangle():
    view = EffectiveMomentView(EffectiveMomentCalculator(mu_12=2e-12, mu_13=1e-12, mu_23=3e-12))
    control(view, "nature").value = "majorana"
    matrix = view.model.moment_matrix()
    np.testing.assert_array_equal(np.diag(matrix), 0.0)
    np.testing.assert_array_equal(matrix, -matrix.T)
    moments = {f: float(effective_magnetic_moment(f, view.model.L_km, view.model.E_MeV, matrix,
                                                  nature="majorana")) for f in ("e", "mu", "tau")}
    assert majorana_triangle_inequalities(moments["e"], moments["mu"], moments["tau"]).satisfied
    assert "satisfied" in view.readout.object
    assert view.widgets["mu_11"].disabled and view.sliders["mu_11"].disabled


def test_a_baseline_sets_flavour_distance_and_energy_and_custom_follows_a_move():
    view = EffectiveMomentView()
    control(view, "baseline").value = "long baseline"
    assert (view.model.flavour, view.model.L_km, view.model.E_MeV) == ("mu", 1300.0, 2.5)
    control(view, "L_km entry").value = 800.0
    assert view.widgets["baseline"].value == "custom" and view.model.L_km == 800.0
