"""Fault injection for the sandbox, so any run can be made hostile.

``PUBLISHER_SANDBOX_FAULTS`` (or ``--faults``) holds comma-separated settings, each optionally
scoped to one network::

    latency=300ms,rate429=0.1,error500=0.05,timeout=0.02,reset=0.01,seed=7
    vk.error500=0.5,telegram.latency=100ms

``latency`` delays every answer; ``rate429`` answers as the network does when rate-limited;
``error500`` answers a server error; ``timeout`` handles the request and then loses the answer
(the worst case: the post may exist); ``reset`` drops the connection before the request is read.
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass, field

KINDS = ("rate429", "error500", "timeout", "reset")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s)?$")


class FaultSpecError(ValueError):
    """The fault specification cannot be parsed."""


@dataclass
class FaultRates:
    """Probabilities of each fault and the added latency, for one network or all."""

    latency: float = 0.0
    rates: dict[str, float] = field(default_factory=dict)


@dataclass
class Faults:
    """Decides, per request, whether and how it fails."""

    default: FaultRates = field(default_factory=FaultRates)
    per_network: dict[str, FaultRates] = field(default_factory=dict)
    seed: int | None = None

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    def for_network(self, network: str) -> FaultRates:
        return self.per_network.get(network, self.default)

    def latency(self, network: str) -> float:
        return self.for_network(network).latency

    def draw(self, network: str) -> str | None:
        """Return the fault to inject into the next request to ``network``, if any."""
        rates = self.for_network(network).rates
        if not rates:
            return None
        with self._lock:
            roll = self._random.random()
        for kind in KINDS:
            probability = rates.get(kind, 0.0)
            if roll < probability:
                return kind
            roll -= probability
        return None

    @property
    def active(self) -> bool:
        return bool(self.default.rates or self.default.latency or self.per_network)


def parse_duration(text: str) -> float:
    match = _DURATION.match(text.strip())
    if not match:
        raise FaultSpecError(f"bad duration {text!r}: write it like 300ms or 1.5s")
    value = float(match.group(1))
    return value / 1000 if match.group(2) == "ms" else value


def parse_faults(spec: str | None) -> Faults:
    """Parse a fault specification; raise FaultSpecError naming the bad part."""
    faults = Faults()
    if not spec or not spec.strip():
        return faults
    seed: int | None = None
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        name, sep, value = item.partition("=")
        if not sep:
            raise FaultSpecError(f"{item!r}: expected name=value")
        network, dot, kind = name.strip().rpartition(".")
        if kind == "seed":
            seed = int(value)
            continue
        target = faults.per_network.setdefault(network, FaultRates()) if dot else faults.default
        _set(target, kind, value.strip(), item)
    for network, rates in faults.per_network.items():
        merged = FaultRates(rates.latency or faults.default.latency, {**faults.default.rates})
        merged.rates.update(rates.rates)
        faults.per_network[network] = merged
    result = Faults(faults.default, faults.per_network, seed)
    return result


def _set(target: FaultRates, kind: str, value: str, item: str) -> None:
    if kind == "latency":
        target.latency = parse_duration(value)
        return
    if kind not in KINDS:
        known = ", ".join(("latency", *KINDS, "seed"))
        raise FaultSpecError(f"{item!r}: unknown fault {kind!r}; known: {known}")
    try:
        probability = float(value)
    except ValueError:
        raise FaultSpecError(f"{item!r}: probability must be a number from 0 to 1") from None
    if not 0.0 <= probability <= 1.0:
        raise FaultSpecError(f"{item!r}: probability must be from 0 to 1")
    target.rates[kind] = probability
