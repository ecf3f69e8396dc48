"""The Graph API parts Facebook and Instagram share: one error table, read one way."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from conftest import make_account

from publisher.core.clock import FakeClock
from publisher.core.errors import (
    AuthError,
    NetworkError,
    NotFound,
    PostingLimit,
    RateLimited,
    Rejected,
    Transient,
)
from publisher.core.redact import Secret
from publisher.networks.base import Failure, Tokens
from publisher.networks.facebook import FacebookAdapter
from publisher.networks.graph import (
    DEFAULT_RATE_WAIT,
    GraphAdapter,
    paged,
    read_answer,
    regain_seconds,
)
from publisher.networks.instagram import InstagramAdapter

ADAPTERS: tuple[type[GraphAdapter], ...] = (FacebookAdapter, InstagramAdapter)


def graph_error(code: int, subcode: int = 0, status: int = 400, **fields: Any) -> httpx.Response:
    error = {"message": f"error {code}", "type": "OAuthException", "code": code, **fields}
    if subcode:
        error["error_subcode"] = subcode
    return httpx.Response(status, json={"error": error})


@pytest.fixture(params=ADAPTERS, ids=lambda cls: cls.name)
def adapter(request: pytest.FixtureRequest, clock: FakeClock) -> Iterator[GraphAdapter]:
    cls: type[GraphAdapter] = request.param
    account = make_account(cls.name, account_id="4242", token_env="META_TOKEN")
    with httpx.Client() as http:
        yield cls(account, Tokens(Secret("meta-token-0001", "META_TOKEN")), http, clock=clock)


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        # Meta's "Handling Errors" table: get a new token
        (graph_error(102), AuthError),
        (graph_error(190, 460), AuthError),
        # what Graph answers without a usable token; both adapters count it as auth now
        (graph_error(104), AuthError),
        # a missing permission
        (graph_error(10), AuthError),
        (graph_error(200), AuthError),
        (graph_error(299), AuthError),
        # throttling, the Business Use Case codes included
        (graph_error(4, is_transient=True), RateLimited),
        (graph_error(17), RateLimited),
        (graph_error(32), RateLimited),
        (graph_error(341), RateLimited),
        (graph_error(613), RateLimited),
        (graph_error(80001), RateLimited),
        (graph_error(80014), RateLimited),
        (graph_error(9, 2207042), PostingLimit),
        # downtime
        (graph_error(1), Transient),
        (graph_error(2, status=500), Transient),
        (graph_error(100, is_transient=True), Transient),
        (httpx.Response(502, text="<html>Bad gateway</html>"), Transient),
        # gone
        (graph_error(100, 33), NotFound),
        (graph_error(100, message="Object with ID '1' does not exist"), NotFound),
        (graph_error(803), NotFound),
        # refused as sent
        (graph_error(100), Rejected),
        (graph_error(368), Rejected),
        (graph_error(506), Rejected),
        (graph_error(1609005), Rejected),
        # an error object decides even in an HTTP 200
        (graph_error(190, status=200), AuthError),
    ],
)
def test_one_table_maps_graph_errors_alike_for_both_networks(
    adapter: GraphAdapter, response: httpx.Response, expected: type[NetworkError]
) -> None:
    with pytest.raises(NetworkError) as caught:
        adapter._unwrap(response, "publish")
    assert type(caught.value) is expected
    assert caught.value.network == adapter.name


@pytest.mark.parametrize("code", [102, 104, 190])
def test_auth_codes_name_the_secret_to_renew(adapter: GraphAdapter, code: int) -> None:
    with pytest.raises(AuthError) as caught:
        adapter._unwrap(graph_error(code), "verify")
    assert "META_TOKEN" in caught.value.hint
    assert f"code {code}" in caught.value.detail


def test_permission_hint_names_what_the_operation_needs(adapter: GraphAdapter) -> None:
    with pytest.raises(AuthError) as caught:
        adapter._unwrap(graph_error(200, status=403), "reply")
    assert "META_TOKEN" in caught.value.hint
    assert adapter.permissions("reply") in caught.value.hint


def test_rate_limit_waits_for_the_budget_named_in_the_header(adapter: GraphAdapter) -> None:
    usage = {"4242": [{"type": "pages", "estimated_time_to_regain_access": 5}]}
    headers = {"X-Business-Use-Case-Usage": json.dumps(usage)}
    with pytest.raises(RateLimited) as named:
        adapter._unwrap(_with(graph_error(80001), headers), "x")
    with pytest.raises(RateLimited) as unnamed:
        adapter._unwrap(graph_error(4), "x")
    assert named.value.retry_after == 300.0
    assert unnamed.value.retry_after == DEFAULT_RATE_WAIT


def _with(response: httpx.Response, headers: dict[str, str]) -> httpx.Response:
    return httpx.Response(response.status_code, content=response.content, headers=headers)


def test_detail_keeps_message_user_message_codes_and_trace() -> None:
    response = graph_error(190, 463, error_user_msg="Session expired", fbtrace_id="A1")
    failure = read_answer(response, "facebook", "verify")
    assert isinstance(failure, Failure)
    assert failure.detail == "error 190: Session expired (code 190/463, fbtrace_id A1)"
    assert failure.keys[:2] == ((190, 463), 190)


def test_success_that_is_not_json_is_transient() -> None:
    with pytest.raises(Transient):
        read_answer(httpx.Response(200, text="<html>maintenance</html>"), "facebook", "verify")


def test_regain_seconds_takes_the_longest_wait_of_the_header() -> None:
    usage = {
        "1": [{"estimated_time_to_regain_access": 2}, {"estimated_time_to_regain_access": "7"}],
        "2": "not a list",
    }
    response = httpx.Response(400, headers={"x-business-use-case-usage": json.dumps(usage)})
    assert regain_seconds(response) == 420.0
    assert regain_seconds(httpx.Response(400)) is None
    assert regain_seconds(httpx.Response(400, headers={"x-business-use-case-usage": "{"})) is None


def test_paged_follows_the_after_cursor_while_paging_next_says_so() -> None:
    pages = {
        "": {"data": [{"id": "1"}], "paging": {"next": "url", "cursors": {"after": "A"}}},
        "A": {"data": [{"id": "2"}, "junk"], "paging": {"cursors": {"after": "B"}}},
        "B": {"data": [{"id": "3"}]},
    }
    queries: list[dict[str, str]] = []

    def fetch(query: dict[str, str]) -> dict[str, Any]:
        queries.append(query)
        return pages[query.get("after", "")]

    items = list(paged(fetch, {"limit": "1"}, pages=10))
    assert [item["id"] for item in items] == ["1", "2"]
    assert queries == [{"limit": "1"}, {"limit": "1", "after": "A"}]
    assert list(paged(fetch, {}, pages=1)) == [{"id": "1"}]
