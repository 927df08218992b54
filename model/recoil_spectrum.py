"""Recoil spectra: source x cross section x target, in events/(keV kg day).

dN/dT = Phi * N_t * int dE phi(E) dsigma/dT(T, E), with phi the unit-normalised source
spectrum, Phi the total flux and N_t the targets per kg.  Two channels:

* ``"electron"``: nu-e elastic scattering; targets are electrons (binding = "free") or atoms
  with the stepping factor (binding = "stepping").  T is the electron recoil energy, which
  is also its ionization energy (keVee).
* ``"nucleus"``: coherent elastic nu-nucleus scattering (``nucleus_scattering``), summed
  over the isotopes of the natural target, each with its own mass and end point.  T is the
  nuclear recoil energy (keVnr); its ionization (keVee) follows from Lindhard quenching
  (``quenching``), with k adjustable.

``channel = "both"`` adds the two on one axis.  ``energy_axis`` chooses that axis: "keVee"
(ionization energy, what a detector calibrated with gamma lines measures: nuclear recoils
are quenched) or "keVnr" (nuclear-recoil energy: electron recoils are expressed as the
nuclear recoil that gives the same ionization).  A spectrum moves between axes with the
Jacobian dE_ee/dE_nr.  For the electron channel on "keVee" everything is as before the
nucleus channel existed.

Since each dsigma/dT is a polynomial in 1/E at fixed T (degree two for both channels), the
integral is sum_k coefficient_k(T) M_k(E_min(T)) with the source's flux moments
(``sources.NeutrinoSource.moments``): exact for lines, and as accurate as a 6000-point
cumulative integral for continua, at the cost of a few array operations.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import param

from . import constants as c
from .atomic_binding import ATOMS, TARGETS, active_electrons, atom
from .electron_scattering import (
    FLAVOURS, MAX_ABS_CHARGE_RADIUS_CM2, MAX_ABS_Q_NU, MAX_MU_NU,
    electron_cross_section_coefficients, max_recoil_keV, min_neutrino_energy_MeV)
from .nucleus_scattering import (
    ELEMENTS, NUCLEAR_TARGETS, max_nuclear_recoil_keV,
    min_neutrino_energy_for_nuclear_recoil_MeV, nuclear_target, nucleus_cross_section_coefficients)
from .quenching import MAX_K, MIN_K, keVee_per_keVnr, keVee_to_keVnr, keVnr_to_keVee, lindhard_k
from .reactor import DEFAULT_FUEL, FISSION_FRACTIONS, flux_from_power, reactor_source
from .solar import SOLAR_SOURCES, solar_flux_cm2_s, solar_source
from .solar_oscillation import OSCILLATION_MODES, oscillated_solar_source
from .sources import line_source
from .validation import Choice, RealNumber, as_checked_array

SOLAR_PREFIX = "solar_"
SOURCES = ("reactor", "solar_7Be", "solar_pp", "line")
"""The sources the dashboard offers (its labels must cover exactly these)."""
ALL_SOURCES = (*SOURCES,
               *(SOLAR_PREFIX + name for name in SOLAR_SOURCES if name not in ("7Be", "pp")))
"""Every source ``source`` accepts: reactor; the Sun's (solar_pp, solar_7Be, solar_pep,
solar_hep, solar_8B, solar_13N, solar_15O, solar_17F and the sums solar_CNO and solar_all,
``model.solar``); a line."""
EMITTED_FLAVOUR = {source: "nu_e" if source.startswith(SOLAR_PREFIX) else "anti_nu_e"
                   for source in ALL_SOURCES}
"""The flavour each source produces (reactors: beta-minus decays; the Sun: fusion, before
oscillation); the default ``flavour`` of a RecoilSpectrum made with that source."""
OSCILLATED_FLAVOUR = "nu_mu"
"""The flavour the converted solar neutrinos scatter as: nu_mu and nu_tau have the same
tree-level couplings to electrons (neutral current only; Giunti & Studenikin, RMP 87, 531
(2015), Sec. VII), so the nu_mu + nu_tau share scatters with the nu_mu couplings."""
BINDINGS = ("stepping", "free")
COMPONENTS = ("sm", "magnetic", "charge", "total")
CHANNELS = ("electron", "nucleus", "both")
ENERGY_AXES = ("keVee", "keVnr")
ALL_TARGETS = tuple(dict.fromkeys((*TARGETS, *NUCLEAR_TARGETS)))
"""Ge, Si, Xe (both channels) and Ar, CsI (nucleus channel only: no atomic data here)."""
MIN_T_KEV = 1e-3
MAX_T_KEV = 1e5
NUCLEUS_CROSSOVER_MIN_KEV = 1e-12
"""Lower end of the nu-N crossover search: ~1e-4 keVnr at 1e-11 mu_B, far below 1 eV."""
# Gauss-Legendre 12-point rule on [-1, 1], computed once (leggauss takes ~0.3 ms a call).
_GAUSS_NODES_12, _GAUSS_WEIGHTS_12 = np.polynomial.legendre.leggauss(12)
_GAUSS_NODES_12.flags.writeable = _GAUSS_WEIGHTS_12.flags.writeable = False


class RecoilSpectrum(param.Parameterized):
    """Differential event rate of nu-e and/or coherent nu-nucleus scattering, by component.

    Components: ``sm`` (Standard Model), ``magnetic`` (mu_nu), ``charge`` (change due to
    q_nu and <r^2>, interference included; may be negative) and ``total``.  Rates are in
    events/(keV kg day) on ``energy_axis``.  Example::

        spec = RecoilSpectrum(mu_nu=1e-11, source="reactor", flux_cm2_s=2.7e13,
                              target="Ge", binding="stepping", threshold_keV=2.8)
        spec.rates(np.geomspace(0.1, 100, 200))
        spec.crossover_keV(); spec.events_above_threshold()
        RecoilSpectrum(channel="nucleus", target="Ge", source="reactor", flux_cm2_s=2.3e13,
                       energy_axis="keVee", threshold_keV=0.21)
    """

    mu_nu = RealNumber(0.0, bounds=(0.0, MAX_MU_NU), doc="Magnetic moment, Bohr magnetons.")
    q_nu = RealNumber(0.0, bounds=(-MAX_ABS_Q_NU, MAX_ABS_Q_NU),
                      doc="Millicharge in units of e0 (sign enters through interference).")
    charge_radius_cm2 = RealNumber(0.0, bounds=(-MAX_ABS_CHARGE_RADIUS_CM2,
                                                MAX_ABS_CHARGE_RADIUS_CM2),
                                   doc="Charge radius <r^2> in cm^2 (delta g_V = sqrt2 pi alpha <r^2>/(3 G_F)).")
    flavour = Choice(default="anti_nu_e", objects=list(FLAVOURS),
                     doc="Neutrino flavour (nu-e only: CEvNS is flavour blind at tree level); "
                         "default: the flavour the source emits (EMITTED_FLAVOUR).")
    source = Choice(default="reactor", objects=list(ALL_SOURCES))
    solar_oscillation = Choice(default="day_night", objects=list(OSCILLATION_MODES),
                               doc="Solar nu_e survival (LMA-MSW, model.solar_oscillation): "
                                   "'day_night' average, 'day' only, or 'none'.")
    flux_cm2_s = RealNumber(None, bounds=(0.0, 1e18), inclusive_bounds=(False, True),
                            allow_None=True,
                            doc="Total flux, cm^-2 s^-1; None: the source's default "
                                "(reactor: from power and distance; solar: SSM B16-GS98).")
    thermal_power_GW = RealNumber(3.0, bounds=(0.0, 100.0), inclusive_bounds=(False, True),
                                  doc="Reactor thermal power (used when flux_cm2_s is None).")
    distance_m = RealNumber(13.9, bounds=(1.0, 1e6),
                            doc="Reactor core to detector distance (used when flux_cm2_s is None).")
    fuel = Choice(default=DEFAULT_FUEL, objects=list(FISSION_FRACTIONS))
    line_energy_MeV = RealNumber(1.0, bounds=(0.01, 100.0), doc="Energy of the 'line' source.")
    target = Choice(default="Ge", objects=list(ALL_TARGETS),
                    doc="Detector material; Ar and CsI only with channel='nucleus'.")
    binding = Choice(default="stepping", objects=list(BINDINGS),
                     doc="'stepping': atomic binding, stepping approximation; 'free': free electrons.")
    channel = Choice(default="electron", objects=list(CHANNELS),
                     doc="'electron': nu-e; 'nucleus': coherent nu-nucleus; 'both': their sum.")
    energy_axis = Choice(default="keVee", objects=list(ENERGY_AXES),
                         doc="Energy axis of rates, threshold and grid: ionization "
                             "(keVee) or nuclear-recoil (keVnr) energy.")
    quenching_k = RealNumber(None, bounds=(MIN_K, MAX_K), allow_None=True,
                             doc="Lindhard k; None: Lindhard's 0.133 Z^(2/3) A^(-1/2) per element.")
    threshold_keV = RealNumber(2.8, bounds=(MIN_T_KEV, MAX_T_KEV),
                               doc="Detector threshold, on energy_axis.")
    exposure_kg_day = RealNumber(1.0, bounds=(0.0, 1e9), doc="Exposure for expected counts.")
    sin2_theta_w = RealNumber(c.SIN2_THETA_W_LOW_ENERGY, bounds=(0.0, 1.0))

    def __init__(self, **params):
        # The flavour follows the source unless given: RecoilSpectrum(source="solar_pp") is a
        # nu_e spectrum.  (A later change of ``source`` leaves ``flavour`` as it is.)
        source = params.get("source")
        if "flavour" not in params and isinstance(source, str) and source in EMITTED_FLAVOUR:
            params["flavour"] = EMITTED_FLAVOUR[source]
        super().__init__(**params)

    # --- source and target ------------------------------------------------------------------
    def is_solar(self) -> bool:
        return self.source.startswith(SOLAR_PREFIX)

    def neutrino_source(self):
        """The unit-normalised :class:`~model.sources.NeutrinoSource` selected by ``source``,
        as produced (solar: before oscillation)."""
        if self.source == "reactor":
            return reactor_source(self.fuel)
        if self.is_solar():
            return solar_source(self.source[len(SOLAR_PREFIX):])
        return line_source(f"line {self.line_energy_MeV:g} MeV", ((self.line_energy_MeV, 1.0),))

    def oscillates(self) -> bool:
        """True when solar nu_e are split into survivors and nu_mu + nu_tau: a solar source,
        ``flavour`` "nu_e" (as produced) and ``solar_oscillation`` not "none".  Any other
        flavour is taken as the flavour of the whole flux (a what-if, no oscillation)."""
        return self.is_solar() and self.flavour == "nu_e" and self.solar_oscillation != "none"

    def flavour_sources(self) -> list[tuple[str, object]]:
        """(flavour, source) pairs whose nu-e scattering adds up to the spectrum: for oscillated
        solar neutrinos the nu_e part phi P_ee and the nu_mu + nu_tau part phi (1 - P_ee)
        (``model.solar_oscillation``), otherwise the whole source with ``flavour``."""
        if self.oscillates():
            survived, converted = oscillated_solar_source(self.source[len(SOLAR_PREFIX):],
                                                          self.solar_oscillation)
            return [("nu_e", survived), (OSCILLATED_FLAVOUR, converted)]
        return [(self.flavour, self.neutrino_source())]

    def total_flux_cm2_s(self) -> float:
        """The flux used: ``flux_cm2_s``, or the source's default when it is None."""
        if self.flux_cm2_s is not None:
            return float(self.flux_cm2_s)
        return self.default_flux_cm2_s()

    def default_flux_cm2_s(self) -> float:
        """The source's own flux: reactor from power and distance, solar from the SSM."""
        if self.source == "reactor":
            return flux_from_power(self.thermal_power_GW, self.distance_m, self.fuel)
        if self.is_solar():
            return solar_flux_cm2_s(self.source[len(SOLAR_PREFIX):])
        return 1e13

    def channels(self) -> tuple[str, ...]:
        """The channels summed: ("electron",), ("nucleus",) or both.  Raises ValueError when
        the target has no data for a requested channel (Ar and CsI: nucleus only)."""
        if self.channel != "nucleus":
            self._check_electron_target()
        return ("electron", "nucleus") if self.channel == "both" else (self.channel,)

    def _check_electron_target(self):
        if self.target not in ATOMS:
            raise ValueError(
                f"target {self.target!r} has no atomic data for nu-e scattering: with "
                f"channel={self.channel!r} choose target in {sorted(ATOMS)}, or use "
                f"channel='nucleus'")

    def element_quenching(self, symbol: str) -> tuple[float, float]:
        """(Z, k) of the Lindhard quenching for an element of the target."""
        element = ELEMENTS[symbol]
        k = self.quenching_k
        if k is None:
            k = float(lindhard_k(element.Z, element.mean_mass_number))
        return float(element.Z), float(k)

    def default_quenching_k(self) -> float:
        """Lindhard's k of the target's first element (what ``quenching_k=None`` uses for it)."""
        element = ELEMENTS[nuclear_target(self.target).elements[0]]
        return float(lindhard_k(element.Z, element.mean_mass_number))

    def _nuclide_quenching(self):
        """Per-nuclide (Z, k) columns for the nucleus channel, shape (n_nuclides, 1)."""
        pairs = [self.element_quenching(symbol) for symbol in nuclear_target(self.target).nuclides.element]
        Z, k = np.array(pairs).T
        return Z[:, None], k[:, None]

    # --- end points, grids ------------------------------------------------------------------
    def _electron_end_point_keV(self) -> float:
        T_end = float(max_recoil_keV(self.neutrino_source().max_energy_MeV))
        if self.energy_axis == "keVnr":
            T_end = float(keVee_to_keVnr(T_end, *self.element_quenching(self.target)))
        return T_end

    def nucleus_end_points_keV(self, axis: str | None = None) -> np.ndarray:
        """Kinematic end point of each isotope of the target, on ``axis`` (default: energy_axis)."""
        nuclides = nuclear_target(self.target).nuclides
        T_nr = max_nuclear_recoil_keV(self.neutrino_source().max_energy_MeV, nuclides.mass_MeV)
        if (axis or self.energy_axis) == "keVee":
            Z, k = self._nuclide_quenching()
            return keVnr_to_keVee(T_nr, Z[:, 0], k[:, 0])
        return T_nr

    def max_recoil_keV(self) -> float:
        """Largest recoil energy the source can produce, on ``energy_axis``, over the channels."""
        ends = [self._electron_end_point_keV() if channel == "electron"
                else float(np.max(self.nucleus_end_points_keV())) for channel in self.channels()]
        return max(ends)

    def _kinks_keV(self) -> np.ndarray:
        """Energies on the axis where the spectrum steps or ends: subshell edges (stepping)
        and the isotopes' end points."""
        kinks = []
        for channel in self.channels():
            if channel == "nucleus":
                kinks.append(self.nucleus_end_points_keV())
            elif self.binding == "stepping":
                edges = atom(self.target).binding_energies_keV
                if self.energy_axis == "keVnr":
                    edges = keVee_to_keVnr(edges, *self.element_quenching(self.target))
                kinks.append(edges)
        return np.concatenate(kinks) if kinks else np.empty(0)

    def recoil_grid_keV(self, n_points: int = 400, T_min_keV: float = 0.01) -> np.ndarray:
        """Log-spaced recoil energies up to the end point, with both sides of every subshell
        edge and isotope end point included so that steps are drawn as steps."""
        T_end = self.max_recoil_keV()
        if "nucleus" in self.channels():
            # Nuclear recoils of solar neutrinos end at eV: start the grid below them.
            nucleus_end = float(np.max(self.nucleus_end_points_keV()))
            T_min_keV = max(MIN_T_KEV, min(T_min_keV, nucleus_end / 100.0))
            if T_end <= T_min_keV:  # below MIN_T_KEV (e.g. pp on Xe in keVee): an empty range
                T_end = 10.0 * T_min_keV
        grid = np.geomspace(T_min_keV, T_end, n_points)
        kinks = self._kinks_keV()
        kinks = kinks[(kinks > T_min_keV) & (kinks < T_end)]
        if len(kinks):
            grid = np.unique(np.concatenate([grid, kinks, np.nextafter(kinks, 0.0)]))
        return grid

    # --- rates ------------------------------------------------------------------------------
    def _targets_per_kg_and_factor(self, T_keV):
        element = atom(self.target)
        if self.binding == "free":
            return element.electrons_per_kg, 1.0
        return element.atoms_per_kg, active_electrons(T_keV, self.target)

    def _electron_rates_keVee(self, T_keV) -> dict[str, np.ndarray]:
        T = np.asarray(T_keV, dtype=float)
        E_min = min_neutrino_energy_MeV(T)
        targets_per_kg, active = self._targets_per_kg_and_factor(T)
        scale = self.total_flux_cm2_s() * targets_per_kg * c.SECONDS_PER_DAY * active
        sm = magnetic = weak_total = 0.0
        # Each flavour share with its own couplings; the magnetic term (mu_nu: the effective
        # moment of the flux, model.solar_oscillation.solar_effective_moment) is the same for
        # every flavour and so adds up to the whole flux.
        for flavour, source in self.flavour_sources():
            coefficients = electron_cross_section_coefficients(
                T, flavour, self.mu_nu, self.q_nu, self.charge_radius_cm2, self.sin2_theta_w)
            moments = source.moments(E_min)

            def fold(component):
                return scale * np.sum(component * moments, axis=0)

            # sm, magnetic and the weak total are integrals of non-negative integrands: clip
            # the round-off of the moment sum (cancellation near the end point) at zero.
            sm = sm + np.maximum(fold(coefficients.sm), 0.0)
            magnetic = magnetic + np.maximum(fold(coefficients.magnetic), 0.0)
            weak_total = weak_total + np.maximum(fold(coefficients.weak_total), 0.0)
        return {"sm": sm, "magnetic": magnetic, "charge": weak_total - sm,
                "total": weak_total + magnetic}

    def _electron_rates(self, E_keV) -> dict[str, np.ndarray]:
        if self.energy_axis == "keVee":
            return self._electron_rates_keVee(E_keV)
        Z, k = self.element_quenching(self.target)
        rates = self._electron_rates_keVee(keVnr_to_keVee(E_keV, Z, k))
        jacobian = keVee_per_keVnr(E_keV, Z, k)
        return {name: value * jacobian for name, value in rates.items()}

    def _nucleus_rates(self, E_keV, axis: str | None = None) -> dict[str, np.ndarray]:
        E = np.asarray(E_keV, dtype=float)
        target = nuclear_target(self.target)
        nuclides = target.nuclides
        if (axis or self.energy_axis) == "keVnr":
            T_nr, jacobian = np.broadcast_to(E, (len(nuclides),) + E.shape), 1.0
        else:  # each element converts keVee to its own keVnr
            Z, k = self._nuclide_quenching()
            Z, k = (v.reshape((-1,) + (1,) * E.ndim) for v in (Z, k))
            T_nr = keVee_to_keVnr(E, Z, k)
            jacobian = 1.0 / keVee_per_keVnr(T_nr, Z, k)
        coefficients = nucleus_cross_section_coefficients(
            T_nr, self.target, self.mu_nu, self.q_nu, self.charge_radius_cm2, self.sin2_theta_w,
            per_nuclide_T=True)
        mass = nuclides.mass_MeV.reshape((-1,) + (1,) * E.ndim)
        moments = self.neutrino_source().moments(min_neutrino_energy_for_nuclear_recoil_MeV(T_nr, mass))
        weight = nuclides.weight.reshape((-1,) + (1,) * E.ndim) * jacobian
        scale = self.total_flux_cm2_s() * target.nuclei_per_kg * c.SECONDS_PER_DAY

        def fold(component):  # clipped for the same reason as in the electron channel
            return scale * np.sum(weight * np.maximum(np.sum(component * moments, axis=0), 0.0), axis=0)

        sm, magnetic, weak_total = (fold(getattr(coefficients, name))
                                    for name in ("sm", "magnetic", "weak_total"))
        return {"sm": sm, "magnetic": magnetic, "charge": weak_total - sm,
                "total": weak_total + magnetic}

    def _rates_by_channel(self, T_keV) -> dict[str, dict[str, np.ndarray]]:
        T = np.asarray(T_keV, dtype=float)
        return {channel: (self._electron_rates(T) if channel == "electron" else self._nucleus_rates(T))
                for channel in self.channels()}

    @staticmethod
    def _summed(by_channel) -> dict[str, np.ndarray]:
        return {name: sum(rates[name] for rates in by_channel.values()) for name in COMPONENTS}

    def _component_rates(self, T_keV) -> dict[str, np.ndarray]:
        return self._summed(self._rates_by_channel(T_keV))

    def rates(self, T_keV) -> pd.DataFrame:
        """dN/dT in events/(keV kg day) at energies T_keV on ``energy_axis``: columns T_keV, sm,
        magnetic, charge, total (summed over the channels); with channel="both" also each
        channel's components, e.g. "sm_electron", "magnetic_nucleus"."""
        T = np.atleast_1d(as_checked_array("T_keV", T_keV, low=MIN_T_KEV, high=MAX_T_KEV))
        by_channel = self._rates_by_channel(T)
        columns = {"T_keV": T, **self._summed(by_channel)}
        if len(by_channel) > 1:
            columns.update({f"{name}_{channel}": rates[name]
                            for channel, rates in by_channel.items() for name in COMPONENTS})
        return pd.DataFrame(columns)

    # --- readouts ---------------------------------------------------------------------------
    def crossover_keV(self, channel: str | None = None) -> float:
        """Recoil energy below which the magnetic term exceeds the SM term (nan if mu_nu = 0
        or if it never does within the recoil range).

        ``channel`` "electron" (the default unless ``self.channel`` is "nucleus"): electron
        recoil energy in keV.  "nucleus": nuclear recoil energy in keVnr, whatever the
        ``energy_axis`` (it lies far below the range of any quenching model; K. A. Kouzakov &
        A. I. Studenikin, "Neutrino-atom collisions", arXiv:1603.02462, section on coherent
        nu-nucleus scattering).
        """
        if channel is None:
            channel = "nucleus" if self.channel == "nucleus" else "electron"
        if channel not in ("electron", "nucleus"):
            raise ValueError(f"channel must be 'electron' or 'nucleus', not {channel!r}")
        if self.mu_nu == 0.0:
            return float("nan")
        if channel == "electron":
            self._check_electron_target()
            T_end = float(max_recoil_keV(self.neutrino_source().max_energy_MeV))
            return self._crossover(self._electron_rates_keVee, MIN_T_KEV, T_end)
        T_end = float(np.max(self.nucleus_end_points_keV(axis="keVnr")))
        return self._crossover(lambda T: self._nucleus_rates(T, axis="keVnr"),
                               NUCLEUS_CROSSOVER_MIN_KEV, T_end)

    @staticmethod
    def _crossover(rates_of, T_low_keV: float, T_end_keV: float) -> float:
        def log_ratio(log_T):
            rates = rates_of(np.exp(log_T))
            return np.log(rates["magnetic"] + 1e-300) - np.log(rates["sm"] + 1e-300)

        # Bracket the first change of sign from above, then shrink the bracket with two more
        # vectorised passes (a few array evaluations instead of a scalar root finder's ~15).
        low, high = np.log(T_low_keV), np.log(T_end_keV * (1 - 1e-9))
        for n_points in (64, 32, 32):
            log_T = np.linspace(low, high, n_points)
            values = log_ratio(log_T)
            crossings = np.nonzero((values[:-1] > 0) & (values[1:] <= 0))[0]
            if len(crossings) == 0:
                return float("nan")
            i = crossings[0]
            low, high, value_low, value_high = log_T[i], log_T[i + 1], values[i], values[i + 1]
        # The log ratio is smooth in log T: linear interpolation in the final bracket.
        return float(np.exp(low + (high - low) * value_low / (value_low - value_high)))

    def _integration_nodes(self, T_low_keV, T_high_keV):
        """Gauss-Legendre nodes and weights in ln T, with the segments split at every
        subshell edge and isotope end point, so that steps and kinks fall between segments."""
        edges = [T_low_keV, T_high_keV, *(b for b in self._kinks_keV() if T_low_keV < b < T_high_keV)]
        log_edges = np.log(np.unique(edges))
        # At most one e-fold per sub-segment keeps the 1/T^2 shapes well resolved.
        log_edges = np.unique(np.concatenate([
            np.linspace(a, b, int(np.ceil(b - a)) + 1) for a, b in zip(log_edges[:-1], log_edges[1:])]))
        x, w = _GAUSS_NODES_12, _GAUSS_WEIGHTS_12
        half = 0.5 * np.diff(log_edges)
        mid = 0.5 * (log_edges[1:] + log_edges[:-1])
        nodes = np.exp((mid[:, None] + half[:, None] * x).ravel())
        weights = (half[:, None] * w).ravel() * nodes  # dT = T d(ln T)
        return nodes, weights

    def events_above_threshold(self) -> pd.Series:
        """Events/(kg day) above ``threshold_keV`` (to the kinematic end point), per component;
        with channel="both" also per channel ("sm_electron", ..., "total_nucleus")."""
        channels = self.channels()
        names = list(COMPONENTS)
        if len(channels) > 1:
            names += [f"{name}_{channel}" for channel in channels for name in COMPONENTS]
        T_end = self.max_recoil_keV()
        if self.threshold_keV >= T_end:
            return pd.Series(0.0, index=names)
        nodes, weights = self._integration_nodes(self.threshold_keV, T_end)
        by_channel = self._rates_by_channel(nodes)
        columns = dict(self._summed(by_channel))
        if len(channels) > 1:
            columns.update({f"{name}_{channel}": rates[name]
                            for channel, rates in by_channel.items() for name in COMPONENTS})
        return pd.Series({name: float(np.dot(weights, columns[name])) for name in names})

    def expected_events(self) -> pd.Series:
        """Counts above threshold for ``exposure_kg_day``, per component."""
        return self.events_above_threshold() * self.exposure_kg_day
