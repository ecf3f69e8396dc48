"""Spreading work over cores gives the serial results, in order."""

from __future__ import annotations

import os

import pytest

from publisher.core import parallel


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


def test_background_work_returns_its_result_from_a_child(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "cores", lambda: 2)

    handle = parallel.in_background(lambda: ("done", os.getpid()))

    assert handle is not None
    result, pid = handle.result()
    assert result == "done"
    assert pid != os.getpid()


def test_background_work_that_fails_gives_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "cores", lambda: 2)

    def fail() -> None:
        raise RuntimeError("no")

    handle = parallel.in_background(fail)

    assert handle is not None
    assert handle.result() is None


def test_no_background_work_on_one_core_or_beside_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.setattr(parallel, "cores", lambda: 1)
    assert parallel.in_background(lambda: 1) is None

    monkeypatch.setattr(parallel, "cores", lambda: 2)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert parallel.in_background(lambda: 1) is None
    finally:
        stop.set()
        thread.join()
