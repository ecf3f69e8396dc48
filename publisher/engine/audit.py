"""``accounts audit``: each account against the regional recommendations for official pages.

What is checked, account by account: a description that gives contacts (a phone or an e-mail)
and a link to the official site; an avatar and a cover (where the network has one) of the size
the network wants; the state-organisation mark where the network shows it (VK); that citizens
can write to the page and comment; and that it posts at least ``min_posts_per_week`` a week
(over the last four weeks, from the result files). The page is read from the network where its
API shows it (``Adapter.account_facts``), else judged by the account's file. Each finding says
how to fix it. Findings are warnings; an account that cannot be read is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import timedelta

from publisher.content.load import Content
from publisher.content.profiles import IMAGE_RULES, check_image
from publisher.core.capabilities import Capabilities, network_title
from publisher.core.errors import Diagnostic, NetworkError, Severity
from publisher.core.health import AccountFacts
from publisher.core.i18n import _
from publisher.core.model import Account, Profile
from publisher.engine.stats import recorded_posts
from publisher.engine.workspace import Workspace
from publisher.state.stats import AuditEntry, AuditFinding, StatsFile

#: the weeks the posting cadence is counted over
CADENCE_WEEKS = 4
_PHONE = re.compile(r"(?:\+7|\b8)[\s(‑-]*\d{3,5}[\s)‑-]*\d{1,3}[\s‑-]*\d{2}[\s‑-]*\d{2}\b")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"https?://\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:ru|рф|su|gov\.ru)\b", re.IGNORECASE)


@dataclass
class AuditReport:
    """Findings by account (warnings about the pages; errors where one could not be read)."""

    findings: list[Diagnostic] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.findings if d.is_error]


def audit_accounts(ws: Workspace, content: Content) -> AuditReport:
    """Read every account's page and judge it (nothing is written here)."""
    weeks = CADENCE_WEEKS
    posted = recorded_posts(
        content, ws.result_entries(content), ws.clock.now() - timedelta(weeks=weeks)
    )
    report = AuditReport()
    with ws.http_client() as http:
        adapters = ws.adapters_for(content, [a.name for a in content.accounts], http)
        for account in content.accounts:
            facts = AccountFacts()
            adapter = adapters.ready.get(account.name)
            try:
                if adapter is None:
                    raise adapters.unavailable[account.name]
                facts = adapter.account_facts()
            except NetworkError as error:
                report.findings.append(_unread(account, error))
            caps = ws.capabilities[account.network]
            profile = content.profiles.get(account.name)
            report.findings += page_findings(account, caps, profile, facts)
            count = len(posted.get(account.name, []))
            report.findings += cadence(account, count, weeks, ws.config.min_posts_per_week)
            report.accounts.append(account.name)
    return report


def _unread(account: Account, error: NetworkError) -> Diagnostic:
    return Diagnostic(
        account.path,
        1,
        Severity.ERROR,
        _(
            "{network} could not be read: {error}",
            network=network_title(account.network),
            error=error.message,
        ),
        error.hint,
        "audit-unread",
    )


def _warning(account: Account, field: str, code: str, message: str, hint: str) -> Diagnostic:
    return Diagnostic(
        account.path, account.lines.get(field, 1), Severity.WARNING, message, hint, f"audit-{code}"
    )


def page_findings(
    account: Account, caps: Capabilities, profile: Profile | None, facts: AccountFacts
) -> list[Diagnostic]:
    """What the page lacks: contacts, the site, images, the mark, messages, comments."""
    description = facts.description
    if description is None:
        description = profile.description if profile else account.description
    website = facts.website if facts.website else account.website
    found = _description(account, description.strip(), website)
    found += _images(account, caps, profile, facts)
    found += _marks(account, facts)
    return found


def _description(account: Account, description: str, website: str) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    if not description:
        found.append(
            _warning(
                account,
                "description",
                "description",
                _("The page has no description."),
                _(
                    "Write what the page is under the front matter of {path}, with the "
                    "reception's phone and e-mail and the official site.",
                    path=account.path,
                ),
            )
        )
    elif not (_PHONE.search(description) or _EMAIL.search(description)):
        found.append(
            _warning(
                account,
                "description",
                "contacts",
                _("The description gives no contacts (a phone or an e-mail)."),
                _(
                    "Add the reception's phone and e-mail to the description in {path}.",
                    path=account.path,
                ),
            )
        )
    if not website and not _URL.search(description):
        found.append(
            _warning(
                account,
                "website",
                "website",
                _("The page has no link to the official site."),
                _(
                    "Set website: in {path} to the administration's official site (or put the "
                    "link into the description where the network has no website field).",
                    path=account.path,
                ),
            )
        )
    return found


def _images(
    account: Account, caps: Capabilities, profile: Profile | None, facts: AccountFacts
) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for field_name, shown in (("avatar", facts.avatar), ("cover", facts.cover)):
        if field_name not in caps.profile_fields:
            continue
        media = getattr(profile, field_name) if profile else None
        rule = IMAGE_RULES.get(account.network, {}).get(field_name)
        if rule is None and shown is None:  # neither managed here nor shown by the network
            continue
        if media is not None:
            found += [
                replace(d, severity=Severity.WARNING)
                for d in check_image(account, field_name, media)
            ]
        if shown is False or (shown is None and media is None):
            size = f"{rule.best[0]}×{rule.best[1]}" if rule else ""
            found.append(_missing_image(account, field_name, size))
    return found


def _missing_image(account: Account, field_name: str, size: str) -> Diagnostic:
    if field_name == "avatar":
        message = _("The page has no avatar.")
    else:
        message = _("The page has no cover.")
    wanted = f" ({size})" if size else ""
    hint = _(
        "Put the image into design/ and name it under {field}: in {path}; publisher accounts "
        "fit makes a copy of the size the network wants{size}.",
        field=field_name,
        path=account.path,
        size=wanted,
    )
    return _warning(account, field_name, field_name, message, hint)


def _marks(account: Account, facts: AccountFacts) -> list[Diagnostic]:
    network = network_title(account.network)
    found: list[Diagnostic] = []
    if facts.state_mark is False:
        found.append(
            _warning(
                account,
                "id",
                "state-mark",
                _(
                    "{network} does not show the state-organisation mark on the page.",
                    network=network,
                ),
                _(
                    "Connect the page to Gosuslugi (Gospabliki) as the administration's official "
                    "page: {network} then marks it as a state organisation itself.",
                    network=network,
                ),
            )
        )
    if facts.messages_open is False:
        found.append(
            _warning(
                account,
                "id",
                "messages",
                _("Citizens cannot write to the page: its messages are off."),
                _(
                    "Turn the community's messages on (Manage → Messages) and add the Feedback "
                    "Platform (POS) widget from Gosuslugi."
                ),
            )
        )
    if facts.comments_open is False:
        found.append(
            _warning(
                account,
                "id",
                "comments",
                _("Comments on the page are closed."),
                _(
                    "Open the wall to comments (Manage → Sections → Wall: open or limited); "
                    "publisher moderate keeps them clean."
                ),
            )
        )
    return found


def cadence(account: Account, posts: int, weeks: int, minimum: int) -> list[Diagnostic]:
    """A warning when the account posted less than ``minimum`` a week on average."""
    if posts >= minimum * weeks:
        return []
    return [
        _warning(
            account,
            "id",
            "cadence",
            _(
                "{posts} posts in the last {weeks} weeks: fewer than {minimum} a week.",
                posts=posts,
                weeks=weeks,
                minimum=minimum,
            ),
            _(
                "Plan at least {minimum} posts a week for this account (publish_at: spreads them "
                "over the week); the number is min_posts_per_week in publisher.yml.",
                minimum=minimum,
            ),
        )
    ]


def record_audit(stats: StatsFile, report: AuditReport, content: Content, at: str) -> None:
    """Put the audit into the month's stats file: each account's findings replace its last."""
    networks = {a.name: a for a in content.accounts}
    for name in report.accounts:
        account = networks[name]
        findings = tuple(
            AuditFinding(d.code.removeprefix("audit-"), d.severity.value, d.message, d.hint)
            for d in report.findings
            if d.path == account.path
        )
        stats.audit[name] = AuditEntry(account.network, at, findings)
