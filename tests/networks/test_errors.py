"""How an adapter's error table works, and the answer readers every adapter shares."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx
import pytest
from conftest import make_account

from publisher.core.clock import Clock, FakeClock
from publisher.core.errors import AuthError, NotFound, PostingLimit, RateLimited, Rejected
from publisher.core.i18n import N_
from publisher.core.model import RemoteRef, RenderedPost
from publisher.core.redact import Secret
from publisher.networks import adapter_class
from publisher.networks.base import AccountInfo, Adapter, ErrorMap, Failure, Rule, Tokens
from publisher.networks.http import as_int, parse_time, retry_after, status_keys


def hint_by_op(op: str) -> str:
    return N_("Ask {chat} for the right to {op}.") if op == "ban" else ""


class TableAdapter(Adapter):
    """Only the error table and a reader that returns the failure a test gives it."""

    name = "table"
    title = "Table"
    base_urls: ClassVar[tuple[str, ...]] = ()
    errors: ClassVar[ErrorMap] = {
        1: NotFound,
        "kind": Rule(PostingLimit, wait=lambda clock: 100.0 + clock.monotonic()),
        "429": Rule(RateLimited, wait=5.0),
        "403": Rule(AuthError, hint=hint_by_op),
    }

    def _read(self, response: httpx.Response, op: str) -> Any:
        return response.extensions["failure"]

    def hint_fields(self, op: str) -> dict[str, object]:
        return {**super().hint_fields(op), "op": op}

    def verify(self) -> AccountInfo:
        raise NotImplementedError

    def publish(self, post: RenderedPost, key: str) -> RemoteRef:
        raise NotImplementedError

    def update(self, ref: RemoteRef, post: RenderedPost) -> RemoteRef:
        raise NotImplementedError

    def delete(self, ref: RemoteRef) -> None:
        raise NotImplementedError


def mapped(failure: Failure, op: str = "publish", clock: Clock | None = None) -> Exception:
    account = make_account("table", account_id="@chan")
    with httpx.Client() as http:
        adapter = TableAdapter(account, Tokens(Secret("t")), http, clock=clock or FakeClock())
        response = httpx.Response(400, extensions={"failure": failure})
        with pytest.raises(Exception) as caught:
            adapter._unwrap(response, op)
    return caught.value


def test_the_first_key_found_in_the_table_decides() -> None:
    assert type(mapped(Failure(("nope", 1, "429"), "d"))) is NotFound
    assert type(mapped(Failure(("429", 1), "d"))) is RateLimited


def test_a_failure_the_table_does_not_know_was_refused() -> None:
    error = mapped(Failure((99, "4xx"), "detail"))
    assert type(error) is Rejected and error.detail == "detail" and not error.hint


def test_the_answer_s_own_wait_wins_over_the_table_s() -> None:
    named, unnamed = mapped(Failure(("429",), "d", 7.0)), mapped(Failure(("429",), "d"))
    assert isinstance(named, RateLimited) and named.retry_after == 7.0
    assert isinstance(unnamed, RateLimited) and unnamed.retry_after == 5.0


def test_a_wait_may_be_a_function_of_the_clock() -> None:
    clock = FakeClock()
    clock.sleep(20.0)
    error = mapped(Failure(("kind",), "d"), clock=clock)
    assert isinstance(error, PostingLimit) and error.retry_after == 100.0 + clock.monotonic()


def test_hints_are_picked_by_operation_and_filled_from_the_account() -> None:
    banned = mapped(Failure(("403",), "d"), op="ban")
    posted = mapped(Failure(("403",), "d"), op="publish")
    assert isinstance(banned, AuthError) and banned.hint == "Ask @chan for the right to ban."
    # an AuthError without a hint of its own names the secret to renew
    assert isinstance(posted, AuthError) and "TABLE_TOKEN" in posted.hint


@pytest.mark.parametrize("network", ["vk", "ok", "facebook", "instagram", "x", "telegram", "max"])
def test_every_adapter_has_an_error_table(network: str) -> None:
    errors = adapter_class(network).errors
    assert errors
    assert all(isinstance(rule, Rule) or issubclass(rule, Exception) for rule in errors.values())


@pytest.mark.parametrize(
    ("value", "number"), [(12, 12), ("12", 12), (" 7 ", 7), (None, 0), ("x", 0), (1.5, 0)]
)
def test_as_int(value: object, number: int) -> None:
    assert as_int(value) == number


def test_retry_after_reads_seconds_or_nothing() -> None:
    assert retry_after(httpx.Response(429, headers={"Retry-After": "7"})) == 7.0
    assert retry_after(httpx.Response(429, headers={"Retry-After": "-3"})) == 0.0
    assert retry_after(httpx.Response(429, headers={"Retry-After": "soon"})) is None
    assert retry_after(httpx.Response(429)) is None


def test_parse_time_takes_zoned_iso_times_only() -> None:
    moment = datetime(2026, 12, 1, 9, tzinfo=UTC)
    assert parse_time("2026-12-01T09:00:00+0000") == moment  # Graph
    assert parse_time("2026-12-01T09:00:00.000Z") == moment  # X
    assert parse_time("2026-12-01T09:00:00") is None
    assert parse_time("yesterday") is None and parse_time(None) is None


def test_status_keys_are_strings_apart_from_the_networks_codes() -> None:
    assert status_keys(404) == ("404", "4xx")
    assert status_keys(503) == ("503", "5xx")
