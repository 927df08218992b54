"""Ionization quenching of nuclear recoils (Lindhard theory): keVnr <-> keVee.

A nuclear recoil of energy E_nr gives as much ionization as an electron of energy
E_ee = Q(E_nr) E_nr.  Lindhard theory (J. Lindhard, V. Nielsen, M. Scharff, P. V. Thomsen,
Mat. Fys. Medd. Dan. Vid. Selsk. 33, no. 10 (1963)), in the parametrisation of
Lewin & Smith, Astropart. Phys. 6, 87 (1996), section 8:

    Q = k g(eps) / (1 + k g(eps)),   g = 3 eps^0.15 + 0.7 eps^0.6 + eps,
    eps = 11.5 Z^(-7/3) E_nr / keV,  k = 0.133 Z^(2/3) A^(-1/2) (Lindhard's value).

k is left adjustable because measured values differ from Lindhard's (Ge: 0.157 from the
formula; 0.162 +- 0.004 measured by Bonhomme et al., EPJC 82, 815 (2022), the value CONUS
uses).  Below ~0.2 keVnr in Ge the Lindhard model is an extrapolation.

E_ee(E_nr) is strictly increasing, so the conversion is invertible: the inverse is solved
by Newton's method in log E (a few vectorised iterations; exact to round-off).
"""

from __future__ import annotations

import numpy as np

from .validation import as_checked_array

LINDHARD_K_COEFFICIENT = 0.133
"""k = 0.133 Z^(2/3) A^(-1/2) (Lindhard et al. 1963)."""
LINDHARD_EPSILON_PER_KEV = 11.5
"""Reduced energy eps = 11.5 Z^(-7/3) E_nr[keV] (Lewin & Smith 1996, section 8)."""
MIN_K = 1e-3
MAX_K = 1.0
MIN_E_KEV = 1e-12
MAX_E_KEV = 1e10
"""Domain of the recoil energies, keV (1 neV to 10 TeV, far beyond any detector): near the
ends of the float range the reduced energy under- or overflowed and Q, dE_ee/dE_nr turned NaN
(found by fuzzing)."""
_NEWTON_STEPS = 8


def lindhard_k(Z, A):
    """Lindhard's k = 0.133 Z^(2/3) A^(-1/2) for a nucleus of charge Z and mass number A."""
    return LINDHARD_K_COEFFICIENT * np.asarray(Z, dtype=float) ** (2.0 / 3.0) / np.sqrt(A)


def _reduced_energy(E_keVnr, Z):
    return LINDHARD_EPSILON_PER_KEV * np.asarray(Z, dtype=float) ** (-7.0 / 3.0) * E_keVnr


def _quenching_and_log_slope(E_keVnr, Z, k):
    """Q(E_nr) and d ln E_ee / d ln E_nr = 1 + (eps g'/g)/(1 + k g)."""
    eps = _reduced_energy(E_keVnr, Z)
    eps_015, eps_06 = eps**0.15, eps**0.6
    g = 3.0 * eps_015 + 0.7 * eps_06 + eps
    eps_g_prime = 0.45 * eps_015 + 0.42 * eps_06 + eps
    kg = k * g
    return kg / (1.0 + kg), 1.0 + eps_g_prime / (g * (1.0 + kg))


def _check(E, name, Z, k):
    E = as_checked_array(name, E, low=MIN_E_KEV, high=MAX_E_KEV)
    as_checked_array("Z", Z, low=1.0, high=120.0)
    as_checked_array("k", k, low=MIN_K, high=MAX_K)
    return E


def lindhard_quenching(E_keVnr, Z, k):
    """Quenching factor Q = E_ee/E_nr of a nuclear recoil E_keVnr (MIN_E_KEV to MAX_E_KEV) in an
    element Z."""
    E = _check(E_keVnr, "E_keVnr", Z, k)
    return _quenching_and_log_slope(E, Z, k)[0]


def keVnr_to_keVee(E_keVnr, Z, k):
    """Electron-equivalent (ionization) energy E_ee = Q(E_nr) E_nr, keV."""
    E = _check(E_keVnr, "E_keVnr", Z, k)
    return E * _quenching_and_log_slope(E, Z, k)[0]


def keVee_per_keVnr(E_keVnr, Z, k):
    """dE_ee/dE_nr at E_keVnr: the Jacobian between spectra per keVnr and per keVee."""
    E = _check(E_keVnr, "E_keVnr", Z, k)
    quenching, log_slope = _quenching_and_log_slope(E, Z, k)
    return quenching * log_slope


def keVee_to_keVnr(E_keVee, Z, k):
    """The nuclear recoil energy (keVnr) whose ionization is E_keVee: inverse of keVnr_to_keVee.

    Newton's method on ln E_nr; ln E_ee is nearly linear in ln E_nr (slope 1 to ~1.15), so
    eight steps from E_nr = E_ee/Q(E_ee) reach round-off everywhere.
    """
    E_ee = _check(E_keVee, "E_keVee", Z, k)
    log_target = np.log(E_ee)
    log_E = log_target - np.log(_quenching_and_log_slope(E_ee, Z, k)[0])
    for _ in range(_NEWTON_STEPS):
        quenching, log_slope = _quenching_and_log_slope(np.exp(log_E), Z, k)
        log_E = log_E - (log_E + np.log(quenching) - log_target) / log_slope
    return np.exp(log_E)
