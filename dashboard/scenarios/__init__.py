"""Teaching material per tab, as data: an introduction ("What you see", "Try this") and named
scenarios, each a link state with one sentence and its citation, in ``<tab key>.toml``; the
guided tour across tabs in ``tour.toml``.  Read once per process and shared by every session
(immutable)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Scenario:
    """A named setting of a tab: ``link`` maps control names to link values (as in
    ``?tab=recoil&recoil.mu_nu=2.9e-11``), applied on top of the tab's defaults."""

    name: str
    text: str
    cite: str
    link: tuple[tuple[str, str], ...]

    @property
    def values(self) -> dict[str, str]:
        return dict(self.link)


@dataclass(frozen=True)
class TabGuide:
    """A tab's introduction and scenarios (empty when the tab has no file)."""

    what: str = ""
    try_this: str = ""
    scenarios: tuple[Scenario, ...] = ()

    def scenario(self, name: str) -> Scenario:
        for scenario in self.scenarios:
            if scenario.name == name:
                return scenario
        raise ValueError(f"no scenario {name!r}; known: {[s.name for s in self.scenarios]}")


@dataclass(frozen=True)
class TourStep:
    """One step of the guided tour: a tab, a scenario of it (or its defaults), what to say
    and what to point at."""

    tab: str
    scenario: str
    text: str
    point: str
    cite: str


def _read(name: str) -> dict | None:
    path = resources.files(__package__) / name
    if not path.is_file():
        return None
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _scenario(entry: dict) -> Scenario:
    link = tuple((str(k), _link_text(v)) for k, v in entry.get("link", {}).items())
    return Scenario(name=entry["name"], text=entry["text"], cite=entry.get("cite", ""), link=link)


def _link_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@lru_cache(maxsize=None)
def tab_guide(key: str) -> TabGuide:
    """The introduction and scenarios of tab ``key`` (``scenarios/<key>.toml``)."""
    data = _read(f"{key}.toml")
    if data is None:
        return TabGuide()
    intro = data.get("intro", {})
    return TabGuide(what=intro.get("what", ""), try_this=intro.get("try", ""),
                    scenarios=tuple(_scenario(entry) for entry in data.get("scenario", [])))


@lru_cache(maxsize=1)
def tour() -> tuple[TourStep, ...]:
    """The guided tour's steps, in order (``scenarios/tour.toml``)."""
    data = _read("tour.toml") or {}
    return tuple(TourStep(tab=step["tab"], scenario=step.get("scenario", ""), text=step["text"],
                          point=step.get("point", ""), cite=step.get("cite", ""))
                 for step in data.get("step", []))
