"""Spreading work over cores gives the serial results, in order."""

from __future__ import annotations

import os

import pytest

from publisher import parallel


def square_with_pid(number: int) -> tuple[int, int]:
    return number * number, os.getpid()


def test_small_work_runs_here() -> None:
    results = parallel.fork_map(square_with_pid, range(10), workers=2)

    assert [r for r, _pid in results] == [n * n for n in range(10)]
    assert {pid for _r, pid in results} == {os.getpid()}


def test_large_work_is_forked_and_keeps_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 5)

    results = parallel.fork_map(square_with_pid, range(100), workers=2)

    assert [r for r, _pid in results] == [n * n for n in range(100)]
    assert os.getpid() not in {pid for _r, pid in results}


def test_a_failing_worker_raises_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 5)

    def fail_on_seven(number: int) -> int:
        if number == 7:
            raise ValueError("seven")
        return number

    with pytest.raises(ValueError, match="seven"):
        parallel.fork_map(fail_on_seven, range(50), workers=2)
