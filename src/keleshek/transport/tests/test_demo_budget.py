"""The demo's plans are bounded by iterations (the same plans on any machine, ADR 0112)."""

from __future__ import annotations

import pytest

from keleshek.transport import demo


def test_the_demo_searches_by_iterations_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KELESHEK_DEMO_ROUTING_SECONDS", raising=False)
    monkeypatch.delenv("KELESHEK_DEMO_ROUTING_ITERATIONS", raising=False)
    assert demo._budget() == {"iterations": 150}
    monkeypatch.setenv("KELESHEK_DEMO_ROUTING_ITERATIONS", "40")
    assert demo._budget() == {"iterations": 40}


def test_a_wall_clock_budget_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KELESHEK_DEMO_ROUTING_SECONDS", "1.5")
    assert demo._budget() == {"seconds": 1.5}
