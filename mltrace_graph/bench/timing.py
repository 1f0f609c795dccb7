"""Repeat-and-summarise helpers: the benchmarks report medians and p95, never one sample."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Sample:
    """Wall times of repeated calls, in seconds."""

    seconds: tuple[float, ...]

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000

    @property
    def per_second(self) -> float:
        return len(self.seconds) / sum(self.seconds) if sum(self.seconds) else float("inf")


def repeat(call: Callable[[], Any], times: int, warmup: int = 2) -> Sample:
    """Runs ``call`` ``warmup`` times unmeasured (plans cached, pools open), then ``times``."""
    for _ in range(warmup):
        call()
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    return Sample(tuple(seconds))


def rss_mb(pid: int | str = "self") -> float:
    """Resident set size of a process from /proc, in MiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb(pid: int | str = "self") -> float:
    """Peak resident set size (VmHWM) of a process, in MiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")
