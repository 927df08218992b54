"""Solar neutrino sources: the pp continuum and the Be-7 lines.

Fluxes at Earth: standard solar model B16-GS98, Vinyoles et al., ApJ 835, 202 (2017),
Table 6: pp 5.98e10 cm^-2 s^-1, Be-7 4.93e9 cm^-2 s^-1.
Be-7 electron capture: 861.8 keV (89.7%) and 384.3 keV (10.3%) lines (Bahcall, "Neutrino
Astrophysics", CUP 1989, Table 6.3 [R]).  pp spectrum: allowed beta+ shape with end point
0.42341 MeV and a deuteron daughter (Bahcall 1989, section 6.1 [R]); an accurate
approximation of the tabulated pp spectrum.

The neutrinos are produced as nu_e; no oscillation is applied here: choose the flavour
(or scale the flux by a survival probability) explicitly.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .sources import NeutrinoSource, allowed_beta_spectrum, continuum_source, line_source

PP_FLUX_CM2_S = 5.98e10
BE7_FLUX_CM2_S = 4.93e9
PP_ENDPOINT_MEV = 0.42341
BE7_LINES = ((0.8618, 0.897), (0.3843, 0.103))


@lru_cache(maxsize=1)
def pp_source() -> NeutrinoSource:
    grid = np.geomspace(1e-4, PP_ENDPOINT_MEV, 3000)
    return continuum_source("solar pp", grid, allowed_beta_spectrum(grid, PP_ENDPOINT_MEV, 1,
                                                                    positron=True))


@lru_cache(maxsize=1)
def be7_source() -> NeutrinoSource:
    return line_source("solar Be-7", BE7_LINES)
