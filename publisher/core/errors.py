"""Every error publisher raises, and the diagnostics that content checks collect.

The tree is classified by what the caller does next::

    PublisherError                    a user-facing message (already translated) + a hint
    ├── ContentError                  carries list[Diagnostic]; fix the files
    ├── ConfigError                   publisher.yml or an account is wrong; fix the config
    ├── ApprovalError                 the commit was not approved; refuse to publish
    ├── RepoError                     Git failed (push rejected after retries, dirty tree)
    └── NetworkError(network, op)     detail already redacted
        ├── AuthError                 no retry; renew the secret named in the hint
        ├── Rejected                  no retry; the content must change
        ├── NotFound                  the remote object is gone; treat as deleted
        ├── RateLimited(retry_after)  wait, then retry
        └── Transient                 5xx, timeout, dropped connection; back off and retry

Only ``cli.py`` turns these into output and exit codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from publisher.core.redact import redact


class Severity(StrEnum):
    """How bad a diagnostic is; ``--strict`` turns warnings into errors."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a file: where, what, and how to fix it."""

    path: str
    line: int
    severity: Severity
    message: str
    hint: str = ""
    code: str = ""
    column: int = 0
    #: the targets (account names) of a post the problem concerns, where it is one network's
    #: rule: the post is held back there only (``Content.holding_back``); empty: the whole file
    targets: tuple[str, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


class PublisherError(Exception):
    """Base of every error with a message meant for the user."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class ContentError(PublisherError):
    """Content files have errors; the diagnostics say which and where."""

    def __init__(self, message: str, diagnostics: list[Diagnostic]) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics


class ConfigError(PublisherError):
    """The configuration or an account description cannot be used."""


class ApprovalError(PublisherError):
    """The commit to publish did not come through an approved merge request."""


class RepoError(PublisherError):
    """A Git operation failed in a way the user must resolve."""


class NetworkError(PublisherError):
    """A network API call failed; ``detail`` is already free of secrets."""

    retryable = False

    def __init__(
        self, network: str, op: str, detail: str, hint: str = "", *, uncertain: bool = False
    ) -> None:
        detail = redact(detail)  # every adapter's detail, whatever its path, is masked here
        super().__init__(f"{network}: {op}: {detail}", hint)
        self.network = network
        self.op = op
        self.detail = detail
        #: the request may have taken effect although we saw an error (response lost)
        self.uncertain = uncertain


class AuthError(NetworkError):
    """The token is missing, expired, revoked or lacks a right: renew the secret."""


class Rejected(NetworkError):
    """The network refused the content itself: the post must change."""


class NotFound(NetworkError):
    """The remote object does not exist any more."""


class RateLimited(NetworkError):
    """Too many requests: wait ``retry_after`` seconds, then retry."""

    retryable = True

    def __init__(self, network: str, op: str, detail: str, retry_after: float) -> None:
        super().__init__(network, op, detail)
        self.retry_after = retry_after


class PostingLimit(RateLimited):
    """The network takes no more new posts for now (a daily or windowed posting quota); edits,
    deletions, replies and profile changes still go through."""


class Transient(NetworkError):
    """A server error, timeout or dropped connection: back off and retry."""

    retryable = True
