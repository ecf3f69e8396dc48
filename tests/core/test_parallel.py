"""Spreading work over cores gives the serial results, in order, whatever a worker sends back."""

from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from publisher.core import parallel
from publisher.core.packing import Codec, plain, typed

PAIR = typed(tuple[int, int])


def square_with_pid(number: int) -> tuple[int, int]:
    return number * number, os.getpid()


def test_small_work_runs_here() -> None:
    results = parallel.fork_map(square_with_pid, range(10), PAIR, workers=2)

    assert [r for r, _pid in results] == [n * n for n in range(10)]
    assert {pid for _r, pid in results} == {os.getpid()}


def test_large_work_is_forked_and_keeps_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 5)

    results = parallel.fork_map(square_with_pid, range(100), PAIR, workers=2)

    assert [r for r, _pid in results] == [n * n for n in range(100)]
    assert os.getpid() not in {pid for _r, pid in results}


def test_a_failing_worker_raises_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 5)
    calls_here: list[int] = []
    parent = os.getpid()

    def fail_on_seven(number: int) -> int:
        if os.getpid() == parent:
            calls_here.append(number)
        if number == 7:
            raise ValueError("seven")
        return number

    with pytest.raises(ValueError, match="seven"):
        parallel.fork_map(fail_on_seven, range(50), typed(int), workers=2)
    assert calls_here[-1] == 7  # the chunk the worker gave up on, done again here


def test_a_result_that_would_not_come_back_as_it_is_is_worked_out_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A free-form value with a tuple in it would come back as a list: the worker sends none
    for it, and the parent works that item out itself."""
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 5)

    def options(number: int) -> tuple[dict[str, object], int]:
        value: object = (number, "tuple") if number % 10 == 3 else [number]
        return {"value": value}, os.getpid()

    codec = typed(tuple[dict, int], lambda result: plain(result[0]))  # type: ignore[type-arg]
    results = parallel.fork_map(options, range(40), codec, workers=2)

    assert [r for r, _pid in results] == [options(n)[0] for n in range(40)]
    here = {n for n, (_r, pid) in enumerate(results) if pid == os.getpid()}
    assert here == {3, 13, 23, 33}


def test_aware_times_need_their_own_form() -> None:
    """MessagePack brings an aware time back in UTC (why the cache sends a zone's name beside
    it): the same moment, but not the same value to show."""
    moment = datetime(2026, 12, 6, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))
    codec = typed(datetime)
    data = codec.encode(moment)

    assert data is not None
    back = codec.decode(data)
    assert back == moment
    assert back.tzinfo != moment.tzinfo


def test_background_work_returns_its_result_from_a_child(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "cores", lambda: 2)

    handle = parallel.in_background(lambda: ("done", os.getpid()), typed(tuple[str, int]))

    assert handle is not None
    found = handle.result()
    assert found is not None
    result, pid = found
    assert result == "done"
    assert pid != os.getpid()


def test_background_work_that_fails_or_cannot_be_sent_gives_none(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "cores", lambda: 2)

    def fail() -> int:
        raise RuntimeError("no")

    failed = parallel.in_background(fail, typed(int))
    unsent = parallel.in_background(lambda: {"a": (1, 2)}, typed(dict, plain))  # type: ignore[type-arg]

    assert failed is not None and failed.result() is None
    assert unsent is not None and unsent.result() is None


def test_no_background_work_on_one_core_or_beside_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    codec: Codec[int] = typed(int)
    monkeypatch.setattr(parallel, "cores", lambda: 1)
    assert parallel.in_background(lambda: 1, codec) is None

    monkeypatch.setattr(parallel, "cores", lambda: 2)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert parallel.in_background(lambda: 1, codec) is None
    finally:
        stop.set()
        thread.join()
