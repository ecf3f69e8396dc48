"""The Meta Graph API as Facebook and Instagram both speak it: one error table, one reader.

Both adapters call ``https://graph.facebook.com/<version>/`` with a Page token in an
``Authorization: Bearer`` header, get errors as ``{"error": {"code", "error_subcode",
"message", "is_transient", "fbtrace_id"...}}`` [verified: S2 error handling], read edges page by
page with ``paging.cursors.after`` and learn how long a throttled budget lasts from
``X-Business-Use-Case-Usage``. References: shared/reference/networks-meta-x.md, sections 1
(Facebook) and 2 (Instagram).
"""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import httpx

from publisher.core.errors import (
    AuthError,
    NotFound,
    PostingLimit,
    RateLimited,
    Rejected,
    Transient,
)
from publisher.core.figures import count
from publisher.core.i18n import N_
from publisher.core.redact import redact
from publisher.networks.base import Adapter, ErrorKey, ErrorMap, Failure, Rule
from publisher.networks.http import as_dict, as_int, json_body, json_or_none, status_keys

GRAPH_HOST = "https://graph.facebook.com"
#: Business SDK 25.0.2 pins v25.0 [verified: S1]; ``settings["graph_version"]`` overrides it
DEFAULT_VERSION = "v25.0"
#: how long to wait on a rate-limit answer without ``estimated_time_to_regain_access``
DEFAULT_RATE_WAIT = 60.0
#: Instagram's publishing quota is a rolling 24 h window we cannot see into: an hour
QUOTA_WAIT = 3600.0

#: keys a Graph answer is looked up by besides its codes
IS_TRANSIENT = "is_transient"  # the error says ``"is_transient": true``
OBJECT_GONE = "object does not exist"  # code 100 whose message says so, without subcode 33
UPLOAD_AUTH = "upload: authorization"  # the upload host's ``debug_info`` names an auth problem
UPLOAD_RETRIABLE = "upload: retriable"  # the upload host's ``debug_info`` says to try again

PERMISSION_HINT = N_(
    "The token in {env} lacks a permission: grant {permissions} to the app, then issue a new "
    "Page token."
)

#: Graph error codes -> our classes, one table for Facebook and Instagram.
#:
#: Settled against Meta's "Handling Errors" page (developers.facebook.com/docs/graph-api/
#: guides/error-handling) [verified: S2]: 102 (API Session) and 190 (access token expired) mean
#: "get a new access token"; 1 and 2 are downtime; 4, 17 and 341 are throttling; 10 and
#: 200-299 are a missing permission; 368 a policy block, 506 a duplicate post, 1609005 a link
#: that could not be read. 104 is not in Meta's table, but it is what Graph answers when a
#: request carries no usable token ("An access token is required to request this resource",
#: type OAuthException, in SDK issue reports) [uncertain], so renewing the secret is the cure
#: there too: the Facebook adapter counted it as auth, the Instagram one did not. 32 and 613
#: (Page and custom limits) and the Business Use Case codes 80000-80014 throttle too [S3, S4].
#: Instagram's codes and subcodes come from its "Error Codes" reference [verified: S6]; a
#: (code, subcode) pair is looked up before the code alone. The Facebook adapter never sees the
#: Instagram-only codes, nor Instagram the Page-only ones, so the hints name the network that
#: sends them.
GRAPH_ERRORS: ErrorMap = {
    **dict.fromkeys((1, 2), Transient),  # API Unknown, API Service: downtime
    **dict.fromkeys((-1, -2, 9007), Transient),  # Instagram: server error, timeout, not ready
    IS_TRANSIENT: Transient,
    **dict.fromkeys((4, 17, 32, 341, 613), Rule(RateLimited, wait=DEFAULT_RATE_WAIT)),
    **dict.fromkeys(range(80000, 80015), Rule(RateLimited, wait=DEFAULT_RATE_WAIT)),
    9: Rule(PostingLimit, wait=QUOTA_WAIT),  # 9/2207042: Instagram's 24 h publishing quota
    **dict.fromkeys((102, 104, 190), AuthError),
    **dict.fromkeys((10, *range(200, 300)), Rule(AuthError, hint=PERMISSION_HINT)),
    25: Rule(  # 25/2207050: the Instagram account is restricted
        AuthError,
        hint=N_(
            "Instagram restricts the account: its owner must sort that out in the Instagram "
            "app; if Meta asks for a new token, put it in {env}."
        ),
    ),
    (100, 33): NotFound,  # "Object with ID ... does not exist"
    OBJECT_GONE: NotFound,
    803: NotFound,  # "Some of the aliases you requested do not exist"
    368: Rule(
        Rejected,
        hint=N_(
            "Facebook has blocked posting for a policy violation: a person must review "
            "the Page's notifications before anything is published again."
        ),
    ),
    506: Rule(
        Rejected,
        hint=N_(
            "Facebook refused a duplicate of a recent post: check whether it is already on the "
            "Page."
        ),
    ),
    1609005: Rule(
        Rejected, hint=N_("Facebook could not read the attached link: check that the URL opens.")
    ),
    9004: Rule(  # 9004/2207052: Instagram could not fetch the media
        Rejected,
        hint=N_(
            "Instagram could not download the photo: check that media_base_url in the "
            "account file points to a public copy of the repository's media files."
        ),
    ),
    UPLOAD_AUTH: AuthError,
    UPLOAD_RETRIABLE: Transient,
    "429": Rule(RateLimited, wait=DEFAULT_RATE_WAIT),
    "5xx": Transient,
    **dict.fromkeys(("401", "403"), AuthError),
    "404": NotFound,
}


def insight_values(payload: object) -> dict[str, int | None]:
    """``{metric: value}`` of an ``/insights`` answer: each ``data[]`` item's ``name`` and its
    first ``values[].value`` [verified: Meta's insights references]. Graph answers an empty
    set, not zeros, for a metric it has no data of yet: such a metric is missing here."""
    found: dict[str, int | None] = {}
    for item in as_dict(payload).get("data") or []:
        values = item.get("values") if isinstance(item, dict) else None
        if isinstance(values, list) and values and isinstance(values[0], dict):
            found[str(item.get("name"))] = count(values[0].get("value"))
    return found


def summary_count(node: Mapping[str, Any], edge: str) -> int | None:
    """``node[edge].summary.total_count``: a post's reactions or comments read with
    ``edge.limit(0).summary(true)`` [verified: S1 api.py Cursor]."""
    summary = as_dict(as_dict(node.get(edge)).get("summary"))
    return count(summary.get("total_count"))


@dataclass(frozen=True)
class GraphError:
    """The ``error`` object of a Graph API answer [verified: S2 error handling]."""

    code: int
    subcode: int = 0
    message: str = ""
    user_message: str = ""
    trace: str = ""
    transient: bool = False
    data: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> GraphError:
        data = raw.get("error_data")
        if isinstance(data, str):
            data = _json_object(data)
        return cls(
            code=as_int(raw.get("code")),
            subcode=as_int(raw.get("error_subcode")),
            message=str(raw.get("message", "")),
            user_message=str(raw.get("error_user_msg") or ""),
            trace=str(raw.get("fbtrace_id", "")),
            transient=bool(raw.get("is_transient", False)),
            data=as_dict(data),
        )

    def keys(self) -> tuple[ErrorKey, ...]:
        """What the error table is looked up by: the pair, the code, then what the text says."""
        keys: list[ErrorKey] = [(self.code, self.subcode), self.code]
        if self.transient:
            keys.append(IS_TRANSIENT)
        if self.code == 100 and "does not exist" in self.message:
            keys.append(OBJECT_GONE)
        return tuple(keys)

    def describe(self) -> str:
        code = f"{self.code}/{self.subcode}" if self.subcode else str(self.code)
        text = f"{self.message}: {self.user_message}" if self.user_message else self.message
        trace = f", fbtrace_id {self.trace}" if self.trace else ""
        return f"{text} (code {code}{trace})"


def read_answer(response: httpx.Response, network: str, op: str) -> Any:
    """The payload of a Graph (or upload host) answer, or the ``Failure`` it reports.

    An ``error`` object decides whatever the HTTP status [S2]; Instagram's upload host answers
    ``{"debug_info": {"retriable", "type", "message"}}`` instead [uncertain].
    """
    body = as_dict(json_or_none(response))
    error = body.get("error")
    if isinstance(error, Mapping):
        parsed = GraphError.parse(error)
        keys = (*parsed.keys(), *status_keys(response.status_code))
        detail = redact(parsed.describe())
        return Failure(keys, detail, regain_seconds(response), parsed.data)
    if response.is_success:
        return json_body(response, network, op)
    info = body.get("debug_info")
    if isinstance(info, Mapping):
        return _upload_failure(info, response)
    detail = f"HTTP {response.status_code}: {redact(response.text, limit=200)}"
    return Failure(status_keys(response.status_code), detail)


def _upload_failure(info: Mapping[str, Any], response: httpx.Response) -> Failure:
    kind = str(info.get("type") or "")
    keys: list[ErrorKey] = []
    if "auth" in kind.lower():
        keys.append(UPLOAD_AUTH)
    if info.get("retriable"):
        keys.append(UPLOAD_RETRIABLE)
    detail = redact(f"{kind}: {info.get('message', '')}")
    return Failure((*keys, *status_keys(response.status_code)), detail)


def regain_seconds(response: httpx.Response) -> float | None:
    """Seconds until a throttled budget returns: the largest ``estimated_time_to_regain_access``
    (minutes) in ``X-Business-Use-Case-Usage`` [verified: S2, S3], or None without one."""
    usage = _json_object(response.headers.get("x-business-use-case-usage", ""))
    minutes = 0.0
    for entries in usage.values():
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, Mapping):
                minutes = max(minutes, _as_float(entry.get("estimated_time_to_regain_access")))
    return minutes * 60.0 if minutes > 0 else None


def paged(
    fetch: Callable[[dict[str, str]], Mapping[str, Any]],
    params: dict[str, str],
    pages: int,
    after: str = "",
) -> Iterator[Mapping[str, Any]]:
    """The items of an edge, at most ``pages`` pages of them; ``fetch`` reads one page with the
    query it is given. Only ``paging.next`` means there is more [verified: S1 cursors]."""
    for _page in range(pages):
        payload = fetch({**params, "after": after} if after else params)
        data = [item for item in payload.get("data") or [] if isinstance(item, Mapping)]
        yield from data
        after = next_cursor(payload, data)
        if not after:
            return


def next_cursor(payload: Mapping[str, Any], data: list[Mapping[str, Any]]) -> str:
    """The ``after`` cursor when the answer says there is a next page, else empty."""
    paging = as_dict(payload.get("paging"))
    after = as_dict(paging.get("cursors")).get("after")
    return str(after) if data and paging.get("next") and after else ""


class GraphAdapter(Adapter):
    """What the Facebook and Instagram adapters share: the versioned Graph address, the bearer
    header, the reader and the error table."""

    errors: ClassVar[ErrorMap] = GRAPH_ERRORS

    @property
    def version(self) -> str:
        return str(self.account.settings.get("graph_version") or DEFAULT_VERSION)

    def graph_url(self, path: str, host: str = GRAPH_HOST) -> str:
        return f"{host}/{self.version}/{path}"

    def bearer(self, scheme: str = "Bearer") -> dict[str, str]:
        """The ``Authorization`` header: the token never goes into a URL or a form body."""
        return {"Authorization": f"{scheme} {self.tokens.main.reveal()}"}

    def _read(self, response: httpx.Response, op: str) -> Any:
        return read_answer(response, self.name, op)

    def hint_fields(self, op: str) -> dict[str, object]:
        return {**super().hint_fields(op), "permissions": self.permissions(op)}

    @abstractmethod
    def permissions(self, op: str) -> str:
        """The permissions ``op`` needs, named in the hint of a missing-permission answer."""


def _json_object(text: str) -> dict[str, Any]:
    try:
        return as_dict(json.loads(text))
    except ValueError:
        return {}


def _as_float(value: object) -> float:
    try:
        return float(str(value))
    except ValueError:
        return 0.0
