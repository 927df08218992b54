r"""The formulas behind each tab's curves: a collapsed card of Markdown with TeX math.

Each note states what the model code computes, in its conventions and units (mu_nu in mu_B,
q_nu in e0 with e0^2 = 4 pi alpha, <r^2> in cm^2, T the recoil kinetic energy), citing the
published papers with their equation numbers (the bibliography is ``model.references``; the
curated physics notes are docs/physics.md).  The model docstrings are the source of every
formula here.

Rendering, offline.  Panel's Markdown pane typesets math in the browser with the MathJax
that ships with Bokeh (``bokeh-mathjax``, SVG output with its glyphs inline: no CDN, no font
files), served by the Panel server itself.  The page is sure to load it only when the app
calls ``pn.extension("mathjax")``: Panel adds it by itself only when a Markdown pane is in a
page's first render, and the app's tabs are built lazily.  Panel's KaTeX is no alternative
offline: its bundle lacks the KaTeX font files, which the browser would fail to fetch.

Bokeh's MathJax finds ``$$...$$`` (display) and ``\(...\)`` (inline) in the HTML that
markdown-it made of the text, so markdown-it would first apply its backslash escapes and
emphasis to the TeX.  The notes are therefore written with ``$...$`` and ``$$...$$``, and
:func:`math_plugin` (markdown-it's dollarmath) keeps the TeX away from Markdown and hands it
to MathJax, verbatim, between the delimiters it looks for.
"""

from __future__ import annotations

import panel as pn
from mdit_py_plugins.dollarmath import dollarmath_plugin


CARD_TITLE = "Formulas behind these curves"
_NOT_IN_TEX = "<>"
"""Write \\lt and \\gt: MathJax reads the TeX from the HTML, so it is not HTML-escaped, and
it must not open a tag should MathJax be missing."""

_MATH_STYLE = ".math.block { overflow-x: auto; text-align: center; margin: 0.3em 0; }"


def _delimited_tex(tex: str, options: dict) -> str:
    """TeX between the delimiters of Bokeh's MathJax: $$...$$ (display) or \\(...\\) (inline)."""
    bad = sorted(set(_NOT_IN_TEX) & set(tex))
    if bad:
        raise ValueError(f"write {bad} in TeX as \\lt or \\gt: {tex!r}")
    return f"$${tex}$$" if options["display_mode"] else rf"\({tex}\)"


def math_plugin(md) -> None:
    """markdown-it plugin: ``$...$`` and ``$$...$$`` reach MathJax untouched by Markdown."""
    dollarmath_plugin(md, renderer=_delimited_tex)


RECOIL = r"""
**Event rate**, events/(keV kg day), for a source of total flux $\Phi$ and unit-normalised
spectrum $\phi(E)$; $T$ is the recoil kinetic energy (keV for electrons, keVnr for nuclei),
$E$ the neutrino energy:

$$
\frac{dN}{dT} = \Phi\,N_t\int_{E_{\min}(T)} dE\,\phi(E)\,\frac{d\sigma}{dT}(T,E),
\qquad E_{\min} = \tfrac12\left[T + \sqrt{T^2 + 2m_eT}\right],
\qquad T_{\max} = \frac{2E^2}{m_e + 2E}
$$

$N_t$: electrons per kg ("free electrons"), or atoms per kg times the **stepping
approximation** $\sum_i n_i\,\theta(T - B_i)$ over the subshells (occupations $n_i$, Carlson
binding energies $B_i$; Kouzakov, Studenikin & Voloshin, PRD 83, 113001 (2011); Kouzakov &
Studenikin, J. Phys. Conf. Ser. 718 (2016), arXiv:1603.02462, Sec. 2). It scales the SM and
magnetic terms alike.

**ν–e, Standard Model** (Studenikin, Nucl. Part. Phys. Proc. 273–275, 1711 (2016), eq. (21); Giunti & Studenikin, Rev. Mod. Phys. 87, 531
(2015), Sec. IV.C):

$$
\left(\frac{d\sigma}{dT}\right)_{\rm SM} = \frac{G_F^2m_e}{2\pi}\left[(g_V + g_A)^2
+ (g_V - g_A)^2\left(1 - \frac{T}{E}\right)^2 + (g_A^2 - g_V^2)\frac{m_eT}{E^2}\right]
$$

$g_V = \pm\tfrac12 + 2\sin^2\theta_W$, $g_A = \pm\tfrac12$ (+ for $\nu_e$, charged current
included; − for $\nu_\mu$ and $\nu_\tau$); antineutrinos $g_A \to -g_A$;
$\sin^2\theta_W = 0.23867$ by default (the $Q \to 0$ value, Erler & Ramsey-Musolf, PRD 72,
073003 (2005)).

**Magnetic moment** (same review, eq. (25)): helicity flip, no interference with the weak
amplitude; $\mu_\nu$ is the effective moment of the beam, in Bohr magnetons $\mu_B = e_0/2m_e$:

$$
\left(\frac{d\sigma}{dT}\right)_{\mu_\nu}
= \frac{\pi\alpha^2}{m_e^2}\left(\frac{\mu_\nu}{\mu_B}\right)^2
\left(\frac{1}{T} - \frac{1}{E}\right)
$$

**Charge curve** (millicharge $q_\nu$ in units of $e_0$, $e_0^2 = 4\pi\alpha$; charge radius
$\langle r^2\rangle$ in cm²): photon exchange shifts the vector coupling, and the curve is
SM($g_V + \delta g_V$) − SM($g_V$), interference included (it may be negative: dashed, |·|):

$$
\delta g_V = \frac{\sqrt2\,\pi\alpha}{G_F}
\left[\frac{\langle r^2\rangle}{3} - \frac{q_\nu}{m_eT}\right]
$$

$\langle r^2\rangle$ is normalised by $f_Q(q^2) = q_\nu + q^2\langle r^2\rangle/6$, so
$\delta g_V = \frac{\sqrt2\pi\alpha}{3G_F}\langle r^2\rangle$
(= $\tfrac23 m_W^2\sin^2\theta_W\langle r^2\rangle$ at tree level, same review eq. (24);
Kouzakov & Studenikin, PRD 95, 055013 (2017)): 0.0238 per $10^{-32}$ cm². Papers that shift
$\sin^2\theta_W$ by this amount (Vogel & Engel, PRD 39, 3378 (1989)) have twice the effect
per unit $\langle r^2\rangle$; the limits catalogue stores every $\langle r^2\rangle$ in
the convention above. The pure $q_\nu^2$ part is

$$
\left(\frac{d\sigma}{dT}\right)_{q_\nu} = \frac{2\pi\alpha^2q_\nu^2}{m_eT^2}
\left[1 - \frac{T}{E} + \frac{T^2}{2E^2} - \frac{m_eT}{2E^2}\right]
$$

which is eq. (26) of the same review, $2\pi\alpha\,q_\nu^2/(m_eT^2)$, written there in
Gaussian units where $q_\nu^2$ stands for $\alpha q_\nu^2$ (docs/physics.md, "Units").

**Crossover readout**: where the magnetic and SM spectra cross. For $E \gg T$ on free
electrons this is eq. (27) of the same review (≈ 2.4 keV at $10^{-11}\mu_B$ for
$\bar\nu_e$):

$$
\mu_\nu^2 = \frac{G_F^2m_e^3\,T}{2\pi^2\alpha^2}
\left(1 + 4\sin^2\theta_W + 8\sin^4\theta_W\right)\mu_B^2
$$

(the bracket is $(g_V + g_A)^2 + (g_V - g_A)^2$ of the electron flavour).

**ν–nucleus (CEvNS)**, per nucleus of mass $M$ with $Z$ protons and $N$ neutrons, averaged
over the natural isotopes (Freedman, PRD 9, 1389 (1974); Kouzakov & Studenikin,
arXiv:1603.02462, Sec. 3):

$$
\frac{d\sigma}{dT} = \left\{\frac{G_F^2M}{4\pi}Q_W^2\left[1 - \frac{T}{E} - \frac{MT}{2E^2}\right]
+ \frac{\pi\alpha^2}{m_e^2}\left(\frac{\mu_\nu}{\mu_B}\right)^2Z^2
\left(\frac{1}{T} - \frac{1}{E}\right)\right\}F^2(q)
$$

$Q_W = N - (1 - 4\sin^2\theta_W)Z$; millicharge and charge radius as for ν–e:
$Q_W \to Q_W + 2Z\frac{\sqrt2\pi\alpha}{G_F}
\left[\frac{\langle r^2\rangle}{3} - \frac{q_\nu}{MT}\right]$;
$T_{\max} = 2E^2/(M + 2E)$. Helm form factor, $q^2 = 2MT$ (Lewin & Smith, APP 6, 87 (1996)):

$$
F(q) = \frac{3j_1(qR_0)}{qR_0}e^{-q^2s^2/2},
\qquad R_0^2 = c^2 + \tfrac73\pi^2a^2 - 5s^2,
\qquad c = 1.23A^{1/3} - 0.60\ {\rm fm},\ a = 0.52\ {\rm fm},\ s = 0.9\ {\rm fm}
$$

**Quenching**, keVnr → keVee (Lindhard et al. 1963, as in Lewin & Smith §8), with
$k = 0.133Z^{2/3}A^{-1/2}$ unless set; spectra change axis with the Jacobian,
$dN/dE_{ee} = (dN/dE_{nr})/(dE_{ee}/dE_{nr})$:

$$
E_{ee} = \frac{k\,g(\epsilon)}{1 + k\,g(\epsilon)}E_{nr},
\qquad g = 3\epsilon^{0.15} + 0.7\epsilon^{0.6} + \epsilon,
\qquad \epsilon = 11.5\,Z^{-7/3}\,E_{nr}/{\rm keV}
$$

**Reactor source**: an absolute spectrum per fission, Huber–Mueller above 2 MeV (Huber, PRC
84, 024617 (2011); Mueller et al., PRC 83, 054615 (2011)), Vogel–Engel shapes and ²³⁸U
capture below (6.72 $\bar\nu$ per fission in all, 1.60 above 2 MeV, for the PWR mix). From
power and distance,
$\Phi = \frac{P}{4\pi L^2}\,
\frac{N_{\bar\nu}/{\rm fission}}{\langle\varepsilon_{\rm fission}\rangle}$ with $N$ that
integral (fission energies: Ma et al., PRC 88, 014605 (2013)), so the flux above 2 MeV is the
Huber–Mueller one; a total flux typed in rescales the whole spectrum shape (a quoted total
made with 7.2 per fission puts 7% more above 2 MeV).
"""

SENSITIVITY = r"""
**Expected counts** per recoil bin $i$ (width $\Delta T$, from the threshold $T_{th}$ to the
window's upper edge) and per kg day, from the Recoil-spectra formulas (reactor $\bar\nu_e$,
stepping approximation, optional Gaussian resolution $\sigma$): Standard Model ${\rm sm}_i$,
magnetic signal $s_i = (\mu_\nu/\mu_B)^2\,m_i$, millicharge signal
$s_i = q_\nu A_i + q_\nu^2 Q_i$ (interference plus pure photon exchange, $q_\nu$ in $e_0$),
background $b(T) = B\,(T/10\ {\rm keV})^{-k}$ counts/(keV kg day).

**ON–OFF likelihood** (GEMMA's differential method; Beda et al., Adv. High Energy Phys. 2012,
350150):
$n^{\rm on}_i \sim {\rm Poisson}\big((b_i + {\rm sm}_i + s_i)X_{\rm on}\big)$,
$n^{\rm off}_i \sim {\rm Poisson}(b_iX_{\rm off})$, exposures $X = M\,t$ in kg day, one
background $b_i$ per bin profiled ($\hat m$: fitted means):

$$
q(s) = 2\sum_i\left[n^{\rm on}_i\ln\frac{n^{\rm on}_i}{\hat m^{\rm on}_i}
+ n^{\rm off}_i\ln\frac{n^{\rm off}_i}{\hat m^{\rm off}_i}
+ \hat m^{\rm on}_i + \hat m^{\rm off}_i - n^{\rm on}_i - n^{\rm off}_i\right]
$$

evaluated on the **Asimov** data set $n^{\rm on}_i = (b_i + {\rm sm}_i)X_{\rm on}$,
$n^{\rm off}_i = b_iX_{\rm off}$, without EM signal (Cowan, Cranmer, Gross & Vitells, EPJC 71,
1554 (2011)). With Wilks' asymptotics the curves are **median expected** 90% CL limits:

- $\mu_\nu$ (one-sided): $q = z_{0.90}^2 = 1.2816^2 = 1.642$;
- $|q_\nu|$: $q = \chi^2_{1;\,0.90} = 2.706$ for each sign, the larger $|q_\nu|$ drawn.

With large counts $\mu_{90}^4 \propto B\,T_{th}\,(1/X_{\rm on} + 1/X_{\rm off})/\Phi^2$: the
$(B/Mt)^{1/4}$ scaling. A published limit can be stronger when the fitted signal came out
negative.

**Estimate from μν** (dashed; Studenikin, Nucl. Part. Phys. Proc. 273–275, 1711 (2016), eq. (32); Studenikin, EPL 107, 21001 (2014)): the
$q_\nu$ term, $2\pi\alpha^2q_\nu^2/(m_eT^2)$, must not exceed the $\mu_\nu$ term,
$\pi\alpha^2\mu_\nu^2/(m_e^2T\mu_B^2)$, at the threshold:

$$
|q_\nu| \lesssim \sqrt{\frac{T_{th}}{2m_e}}\;\frac{\mu_\nu}{\mu_B}\;e_0
$$

GEMMA's $2.9\times10^{-11}\mu_B$ at 2.8 keV gives $1.5\times10^{-12}e_0$ (eq. (33)): an
order-of-magnitude estimate, not a statistical limit.

**Channels.** ν–e as above; CEvNS: the nuclear recoils of the Recoil-spectra tab (weak charge
$Q_W$, Helm form factor; $\mu_\nu$ term $\propto Z^2$; $q_\nu$ and $\langle r^2\rangle$ shift
$Q_W$), quenched to keVee by Lindhard's model ($k$ adjustable), so that threshold, window and
bins are in keVee, as a germanium detector measures them; "both" adds the two channels bin by
bin. $\langle r^2\rangle$: signal $r A_i + r^2 Q_i$ as for $q_\nu$ (two-sided, $2.706$).

**Bands** (the Brazil plot): the 90% CL limit an experiment would set fluctuates with its data.
For $x = \mu_\nu^2$, with $\sigma = x_{90}/z$ from the Asimov limit $x_{90}$ and
$N = \Phi^{-1}(p)$, the quantile $p$ of the limit is (Cowan et al., eq. (89), with the
boundary $x \ge 0$)

$$
x_{\rm up}(N) = \sigma(N + z)\ \ (N \ge 0),\qquad
x_{\rm up}(N) = \sigma\big(N + \sqrt{N^2 + z^2}\big)\ \ (N \lt 0),
$$

drawn at $p$ = 16/84% (±1σ, green) and 2.5/97.5% (±2σ, yellow). For $|q_\nu|$ and
$|\langle r^2\rangle|$: the intervals of Asimov data shifted by $N$ standard deviations of the
linear estimator.

**Any x-axis**: threshold, exposure $M t_{\rm on}$ (the OFF time in proportion), mass,
background $B$ or running time $t_{\rm on}$, each point a full analysis. **Compare with**: a
preset's median and bands (grey).

**A limit from your data** (the upload): the same likelihood on your ON and OFF counts (or a
$\chi^2$ of an ON − OFF residual with its $\sigma_i$), with this detector's mass, flux and
signal shapes; best fit $\hat x$ unconstrained, the 90% CL limit with $\hat x$ set to 0 when
negative, then $-2\ln\lambda = 1.642$; $q_\nu$: the interval $-2\ln\lambda \le 2.706$.

Published limits (dashed lines; dotted: estimates without a CL; shaded: the astrophysical
bounds on all flavours): the limits catalogue of the model for reactor $\bar\nu_e$, the latest
result of each experiment, each row with its paper; detector presets: the experiments'
papers, with the values they do not give marked as assumed.
"""

SOLAR_SENSITIVITY = r"""
**Expected counts** per bin $i$ of electron recoil energy $T$ (keV, from the threshold to
the window's upper edge) in exposure $X = M\,t\,\varepsilon$ (kg day; $\varepsilon$ the
efficiency): the Recoil-spectra formulas on xenon atoms (stepping approximation over the
subshells) folded with the **solar flux** of the standard solar model B16-GS98 (pp, pep, hep,
⁷Be, ⁸B, CNO; Vinyoles et al., ApJ 835, 202 (2017), Table 6). The $\nu_e$ survive with the
adiabatic LMA-MSW probability, averaged over where each source is made (Parke, PRL 57, 1275
(1986); Review of Particle Physics, PRD 110, 030001 (2024), Sec. 14.10), day–night averaged;
the $\nu_\mu + \nu_\tau$ scatter with their own couplings. $\mu_\nu$ is the effective moment
of the solar flux. Resolution $\sigma(T) = a\sqrt{T/{\rm keV}} + bT$ (XENON1T's: $a$ = 0.31
keV, $b$ = 0.0037; Aprile et al., PRD 102, 072004 (2020)).

**Likelihood with a fitted background** (no OFF run, as the experiments fit their background
model): $n_i \sim {\rm Poisson}\big((aB_i + {\rm sm}_i + s_i)X\big)$ with the flat
electron-recoil background $B_i$ and its normalisation $a$ profiled, free or with a Gaussian
constraint of relative width $\delta$ (adding $(a - 1)^2/\delta^2$). The part of the window where
the $1/T$ magnetic signal is small measures $a$.

**Median expected limits and bands**: the Asimov data set without signal (Cowan, Cranmer,
Gross & Vitells, EPJC 71, 1554 (2011)): $\mu_\nu$ one-sided, $-2\ln\lambda = z_{0.90}^2 =
1.642$, its bands from Cowan et al., eq. (89), with the boundary $\mu_\nu^2 \ge 0$;
$|q_\nu|$ and $|\langle r^2\rangle|$ two-sided, $2.706$ for each sign, bands from shifted Asimov
data. Green: ±1σ (16–84%), yellow: ±2σ (2.5–97.5%).

**Presets** (the experiments' papers; values they do not give marked as assumed):
XENONnT 2022 (Aprile et al., PRL 129, 161805 (2022), arXiv:2207.11330: 1.16 t·yr,
15.8 events/(t·yr·keV) in 1–30 keV, $\mu_\nu \lt 6.4\times10^{-12}\mu_B$), LZ's first
exposure (Aalbers et al., PRD 108, 072006 (2023)), PandaX-4T (Zeng et al., arXiv:2408.07641).
The median expected limit is printed beside the published one: a published limit can be
stronger or weaker than the median by the fluctuation of its data (the bands).

Published limits (dashed lines): the limits catalogue of the model for the effective moment
of solar neutrinos (Borexino, Super-Kamiokande, XENONnT, LZ), the latest result of each
experiment; shaded: the astrophysical bounds on all flavours.
"""

SPIN_LIGHT = r"""
**Matter**: $n$ is the nucleon (baryon) density; electrons $n_e = Y_en$ (net), neutrons
$n_n = (1 - Y_e)n$; $p_F = (3\pi^2n_e)^{1/3}$, $\mu_e = \sqrt{p_F^2 + m_e^2}$ at $T = 0$.

**Plasmon mass** (asymptotic transverse photon mass) of the e⁺e⁻ plasma at temperature $T$,
one loop (Braaten & Segel, PRD 48, 1478 (1993)), $f_\mp = 1/(e^{(E\mp\mu)/T} + 1)$ with
$\mu$ fixed by the net density $n_e = \pi^{-2}\int dp\,p^2(f_- - f_+)$:

$$
m_\gamma^2 = \frac{4\alpha}{\pi}\int_0^\infty dp\,\frac{p^2}{E}\,(f_- + f_+)
\ \xrightarrow{\;T = 0\;}\ \frac{2\alpha}{\pi}\left[p_F\mu_e - m_e^2\,{\rm arsinh}\frac{p_F}{m_e}\right]
\ \xrightarrow{\;p_F \gg m_e\;}\ \frac{2\alpha}{\pi}\mu_e^2
$$

$\simeq 8.87\,(n_e/10^{37}\,{\rm cm^{-3}})^{1/3}$ MeV in Grigoriev, Lokhov, Studenikin &
Ternov, JCAP 11 (2017) 024 (8.96 MeV exactly at $10^{37}$ cm⁻³); for $T, \mu \gg m_e$,
$m_\gamma^2 = \tfrac{2\alpha}{\pi}(\mu^2 + \pi^2T^2/3) = \tfrac32\omega_p^2$. In a hot,
dilute plasma the thermal pairs carry it: $\sim10^{-3}$ MeV at $n_e = 3\times10^{25}$ cm⁻³,
$T = 0.1$ MeV (Studenikin, Quarks-2018 talk), where the cold gas would give $2\times10^{-4}$.

**Potential** of antineutrinos in neutron matter (same JCAP paper):
$\tilde n = G_Fn_n/(2\sqrt2) \simeq 3.2\,(n_n/10^{38}\,{\rm cm^{-3}})$ eV, from the
neutrons only (the electrons' and protons' neutral currents cancel).

**Threshold** (Grigoriev, Lokhov, Studenikin & Ternov, PLB 718, 512 (2012); reviewed in
Giunti & Studenikin, Rev. Mod. Phys. 87, 531 (2015), Sec. V.E):

$$
\frac{m_\gamma^2 + 2m_\gamma m_\nu}{4\tilde n\,p} \lt 1
\quad\Rightarrow\quad p_{th} = \frac{m_\gamma^2 + 2m_\gamma m_\nu}{4\tilde n},
\qquad E_{th} = \sqrt{p_{th}^2 + m_\nu^2}
$$

**W threshold** of $\bar\nu_e$ (head-on with an electron at the Fermi surface, $s = m_W^2$):

$$
\varepsilon_W = \frac{m_W^2 - m_e^2}{2(\mu_e + p_F)}
\ \xrightarrow{\;p_F \gg m_e\;}\ \frac{m_W^2}{4\mu_e}\quad\text{(JCAP 11 (2017) 024)}
$$

Allowed (shaded): $E_{th} \lt E \lt \varepsilon_W$ for $\bar\nu_e$; $E \gt E_{th}$ for
$\bar\nu_{\mu,\tau}$ (no s-channel W).

**Rate, power and times** (massless photon, valid for $m_\nu/p \ll \tilde n/m_\nu \ll p/m_\nu$;
Studenikin & Ternov, PLB 608, 107 (2005); Grigoriev, Studenikin & Ternov, PLB 622, 199 (2005);
recalled, not re-checked against the papers); $\mu_\nu$ in natural units,
$\mu_B = e_0/2m_e$, $e_0^2 = 4\pi\alpha$:

$$
\Gamma = 4\mu_\nu^2\tilde n^2p,
\qquad I = \tfrac43\mu_\nu^2\tilde n^2p^2,
\qquad \tau = \frac{1}{\Gamma},
\qquad t_{\rm loss} = \frac{E}{I} = \frac{3}{\Gamma}
$$

The $\tau_{SL\nu}$ quoted in the Quarks-2018 talk is the energy-loss time $E/I$. Near
threshold, $a = m_\gamma^2/(4\tilde np) \to 1$, the true rate washes out below these formulas;
this, a plasma hotter than ~10 MeV (muons, pions) and a hot plasma under the W threshold of
cold electrons are flagged by a warning.
"""

THEORY = r"""
**SM Dirac moment** (minimally extended Standard Model; Fujikawa & Shrock 1980), with
$\mu_B = e/2m_e$, Studenikin, Nucl. Part. Phys. Proc. 273–275, 1711 (2016), eq. (8):

$$
\mu_{ii} = \frac{3eG_Fm_i}{8\sqrt2\pi^2} = \frac{3G_Fm_em_i}{4\sqrt2\pi^2}\,\mu_B
\approx 3.2\times10^{-19}\left(\frac{m_i}{1\ {\rm eV}}\right)\mu_B
$$

drawn below 2 GeV; heavy neutrino, $2\ {\rm GeV} \ll m_i \ll m_W$: times
$\left(1 + \tfrac{5}{18}\,m_i^2/m_W^2\right)$ (eq. (16), drawn from 2 GeV to $m_W/2$);
$m_i \gg m_W$: $eG_Fm_i/(8\sqrt2\pi^2)$ (eq. (17), drawn from $2m_W$); no closed form in
between.

**Transition moments** (table), $a_l = m_l^2/m_W^2$, PDG mixing $U$ with Majorana phases
${\rm diag}(1, e^{i\alpha_{21}/2}, e^{i\alpha_{31}/2})$; Dirac, eq. (11):

$$
\mu^D_{ij},\ \epsilon^D_{ij} = \frac{3eG_F}{32\sqrt2\pi^2}\,(m_i \pm m_j)
\sum_{l=e,\mu,\tau}a_l\,U_{lj}U^*_{li}
$$

Majorana, eqs. (13)–(14) (the review prints $U^*_{lk}$ for $U^*_{li}$):

$$
\mu^M_{ij} = -\frac{3eG_F}{16\sqrt2\pi^2}(m_i + m_j)
\sum_l a_l\,{\rm Im}\big[U^*_{li}U_{lj}\big],
\qquad \epsilon^M_{ij} = -\frac{3eG_F}{16\sqrt2\pi^2}(m_i - m_j)
\sum_l a_l\,{\rm Re}\big[U^*_{li}U_{lj}\big]
$$

Diagonal: $\mu^D_{ii}$ of eq. (8), $\epsilon^D_{ii} = 0$ (eq. (9)). Leptonic GIM suppression:
$\approx 4\times10^{-23}\mu_B\,(m_i \pm m_j)/{\rm eV}$ (eq. (12)); with CP conservation
$\mu^M = 2\mu^D,\ \epsilon^M = 0$ or the reverse (eq. (15)).

**Naturalness** (eq. (19)): a moment generated at the scale $\Lambda$ shifts the mass by

$$
\delta m_\nu \sim \frac{\Lambda^2}{2m_e}\frac{\mu_\nu}{\mu_B}
= \frac{\mu_\nu}{10^{-18}\mu_B}\left(\frac{\Lambda}{1\ {\rm TeV}}\right)^2{\rm eV}
$$

drawn as $\mu_\nu/\mu_B = 2m_e\,\delta m/\Lambda^2$ with $\delta m = m_\nu$. Bell et al.
bounds, with the same $\delta m/\Lambda^2$ scaling: Dirac
$\mu_\nu \lesssim 10^{-15}\mu_B\,(\delta m/{\rm eV})({\rm TeV}/\Lambda)^2$ (PRL 95, 151802
(2005)); Majorana
$|\mu_{e\tau}| \lesssim 4\times10^{-9}\mu_B\,(\delta m/{\rm eV})({\rm TeV}/\Lambda)^2
\,m_\tau^2/|m_\tau^2 - m_e^2|$ (PLB 642, 377 (2006); recalled, not re-checked).

**Millicharge from a μν limit** (eq. (32)):
$|q_\nu| \lesssim \sqrt{T_{th}/2m_e}\,(\mu_\nu/\mu_B)\,e_0$; GEMMA, $2.9\times10^{-11}\mu_B$
at 2.8 keV, gives $1.5\times10^{-12}e_0$ (eq. (33)).

**Majorana triangle test** (Studenikin, arXiv:1603.00337, Sec. 5; Frère, Heeck & Mollet,
PRD 92, 053002 (2015)): the
effective moments
$\mu_{\nu_l}^2 = \sum_j\big|\sum_iU_{li}e^{-iE_iL}(\mu_{ji} - i\epsilon_{ji})\big|^2$
(Giunti & Studenikin, Rev. Mod. Phys. 87, 531 (2015), Sec. IV.D) of Majorana neutrinos obey,
for every ordering of $e, \mu, \tau$,

$$
\mu_{\nu_a}^2 \le \mu_{\nu_b}^2 + \mu_{\nu_c}^2
$$

Limits: the model's catalogue, each with its paper and the confidence level in its label.
"""

OSCILLATIONS = r"""
**Evolution** of $\psi = (\nu_e^L, \nu_\mu^L, \nu_e^R, \nu_\mu^R)$, ultrarelativistic
($p = E$, $t = x$), $\nu_e = \cos\theta\,\nu_1 + \sin\theta\,\nu_2$:
$i\,d\psi/dx = H\psi$, exact curves $\psi(x) = V e^{-i\Lambda x}V^\dagger\psi(0)$ from the
eigensystem of the constant $H$:

$$
H = \begin{pmatrix} H_0 + V_L & U\mu U^TB_\perp \\
\big(U\mu U^TB_\perp\big)^\dagger & H_0 + V_R \end{pmatrix},
\qquad H_0 = \frac{\Delta m^2}{4E}\begin{pmatrix} -\cos2\theta & \sin2\theta \\
\sin2\theta & \cos2\theta \end{pmatrix}
$$

$V_L = {\rm diag}(V_e, V_\mu)(1 - v\cos\phi) - \phi'/2$ with $V_e = \sqrt2G_F(n_e - n_n/2)$,
$V_\mu = -\sqrt2G_Fn_n/2$; $V_R = \phi'/2$ for Dirac ($\nu^R$ sterile) and
$-{\rm diag}(V_e, V_\mu)(1 - v\cos\phi) + \phi'/2$ for Majorana ($\nu^R$ are antineutrinos).
Moments in $\mu_B$: $\mu = \begin{pmatrix} \mu_1 & \mu_{12} \\ \mu_{12} & \mu_2 \end{pmatrix}$
(Dirac) or $\begin{pmatrix} 0 & \mu_{12} \\ -\mu_{12} & 0 \end{pmatrix}$ (Majorana);
$\mu B$ [eV] $= \mu\cdot\mu_B$[eV/T]$\cdot10^{-4}B$[G]. Matter moving at speed $v$, angle $\phi$
to the momentum (Dirac; Studenikin, arXiv:1603.00337, eqs. (21)–(28)): potentials times
$(1 - v\cos\phi)$ and
$-V_f\,v\sin\phi/(2\gamma)$, $\gamma = E/m_\nu$, between $\nu_f^L$ and $\nu_f^R$. A field
twisting at the rate $\phi'$ is treated in the frame rotating with it.

**Analytic (dashed), vacuum and constant $B_\perp$, Dirac, $\mu_{12} = 0$** (Popov &
Studenikin, EPJC 79, 144 (2019), arXiv:1902.08195), $\mu_\pm = (\mu_1 \pm \mu_2)/2$:

$$
P_{\nu_e^L\to\nu_\mu^L} = \sin^22\theta\left[\cos(\mu_1Bx)\cos(\mu_2Bx)\sin^2\frac{\Delta m^2x}{4E}
+ \sin^2(\mu_+Bx)\sin^2(\mu_-Bx)\right]
$$

$$
P_{\nu_e^L\to\nu_e^R} = \big[\sin(\mu_+Bx)\cos(\mu_-Bx)
+ \cos2\theta\,\sin(\mu_-Bx)\cos(\mu_+Bx)\big]^2
- \sin^22\theta\,\sin(\mu_1Bx)\sin(\mu_2Bx)\sin^2\frac{\Delta m^2x}{4E}
$$

$$
P_{\nu_e^L\to\nu_\mu^R} = \sin^22\theta\left[\sin^2(\mu_-Bx)\cos^2(\mu_+Bx)
+ \sin(\mu_1Bx)\sin(\mu_2Bx)\sin^2\frac{\Delta m^2x}{4E}\right]
$$

**Two-level conversions** (analytic without mixing, $\theta = 0$; Studenikin,
arXiv:1603.00337, eq. (27)):

$$
P = \sin^22\theta_{\rm eff}\,\sin^2\frac{\pi x}{L_{\rm eff}},
\qquad \sin^22\theta_{\rm eff} = \frac{E_{\rm eff}^2}{E_{\rm eff}^2 + \Delta_{\rm eff}^2},
\qquad L_{\rm eff} = \frac{\pi}{\sqrt{E_{\rm eff}^2 + \Delta_{\rm eff}^2}}
$$

- spin, $\nu_e^L \to \nu_e^R$ (same paper, eq. (28)):
  $E_{\rm eff} = \mu_{ee}B_\perp - V_e\,v\sin\phi/(2\gamma)$,
  $\Delta_{\rm eff} = \big[V_e(1 - v\cos\phi) - \phi'\big]/2$;
- spin-flavour, $\nu_e^L \to \nu_\mu^R$ ($\sin^2\beta\,\sin^2\Omega x$; Akhmedov,
  PLB 213, 64 (1988); Lim & Marciano, PRD 37, 1368 (1988)): $E_{\rm eff} = \mu_{e\mu}B_\perp$,
  $\Delta_{\rm eff} = \Delta_{LR}/4E$ with (potentials times $1 - v\cos\phi$ in moving matter)

$$
\Delta_{LR} = \frac{\Delta m^2}{2}(\cos2\theta + 1) - 2EV_e + 2E\phi'\ \ \text{(Dirac)},
\qquad \frac{\Delta_{LR}}{2E} = \frac{\Delta m^2\cos2\theta}{2E} - \sqrt2G_F(n_e - n_n) + \phi'
\ \ \text{(Majorana)}
$$

**Resonance plot**: distance averages
$\langle P_{a\to b}\rangle = \sum_C\big|\sum_{k\in C}V_{bk}V^*_{ak}\big|^2$ (sum over the
clusters $C$ of equal eigenvalues of $H$) and the two-level $\sin^2\beta/2$; markers: the
two-level resonance $\Delta_{LR} = 0$ (a small-mixing approximation) and the exact resonance,
the crossing of an L and an R level of $H$ (at $\theta = 0.5836$, $Y_e = 0.5$, 1 MeV: 1277
against 720 g/cm³).
Lengths: $L_{\rm vac} = 4\pi E/\Delta m^2$, $L_B = \pi/(\mu B)$.
"""

def formula_note(text: str) -> pn.layout.Card:
    """A collapsed card with the formulas behind a tab's curves: ``text`` is the tab's
    ``note``, Markdown with $...$ and $$...$$ TeX.  The page needs ``pn.extension("mathjax")``
    to typeset it (module docstring)."""
    body = pn.pane.Markdown(text, plugins=[math_plugin], disable_anchors=True,
                            stylesheets=[_MATH_STYLE], sizing_mode="stretch_width")
    return pn.layout.Card(body, title=CARD_TITLE, collapsed=True, sizing_mode="stretch_width")
