"""One repository being worked on: config, content, plan, apply, record. The CLI calls these.

A ``Workspace`` holds what a command needs (the repository path, config, clock, environment and,
in sandbox mode, the sandbox) and offers the library entry points: ``check``, ``plan``, ``apply``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from publisher.content.check import CheckResult, check_content, checked_posts, contest_problems
from publisher.content.context import Context, build_context
from publisher.content.load import Content, load_cached, load_post
from publisher.content.secrets import scan_for_tokens
from publisher.content.style import StyleReport
from publisher.content.stylecheck import LINTED, post_style
from publisher.core.capabilities import Capabilities, all_capabilities, network_title
from publisher.core.clock import Clock
from publisher.core.config import Config, load_config
from publisher.core.errors import (
    ApprovalError,
    Diagnostic,
    PublisherError,
    RepoError,
    Severity,
)
from publisher.core.i18n import _
from publisher.core.labels import action_label, outcome_label
from publisher.core.model import (
    Account,
    Action,
    Comment,
    Entrant,
    Plan,
    Post,
    RemoteRef,
    ResultEntry,
)
from publisher.core.names import AccountNames
from publisher.core.packing import typed
from publisher.core.parallel import Background, in_background
from publisher.core.progress import Watch
from publisher.engine.claims import new_claim
from publisher.engine.plan import (
    PlanContext,
    account_result_file_path,
    answered,
    build_plan,
    profile_actions,
    renderings_wanted,
)
from publisher.networks import NETWORKS
from publisher.state.cache import Cache, tracked_caches
from publisher.state.result_files import (
    RESULT_FILE_ERRORS,
    ResultFiles,
    parse_result_file,
    result_file_problem,
    with_aliases,
)
from publisher.state.tree import scope_filter

if TYPE_CHECKING:  # the modules for publishing, moderation and Git load only when used
    import httpx

    from publisher.core.capabilities import Capabilities
    from publisher.engine.apply import ApplyReport, Approvals, Result
    from publisher.engine.contests import ContestReport
    from publisher.engine.live import LiveReport
    from publisher.engine.runtime import Adapters
    from publisher.inbox.items import Collector, CollectReport
    from publisher.moderation.monitoring import Monitoring
    from publisher.moderation.rules import Rules
    from publisher.moderation.sweep import Decided, Moderated, ModerationBook, Outcome, SweepReport
    from publisher.networks.base import Adapter


@dataclass(frozen=True)
class Restored:
    """What ``moderate restore`` did, what a person must do by hand, the files to commit."""

    done: list[str]
    manual: list[str]
    files: list[str]


@dataclass
class Workspace:
    """A repository plus everything a command needs to act on it."""

    repo: Path
    config: Config
    config_problems: list[Diagnostic]
    clock: Clock = field(default_factory=Clock)
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    sandbox_dir: Path | None = None
    transport: httpx.BaseTransport | None = None
    #: this process's claim on the posts it publishes (see ``engine.claims``)
    claim: str = field(default_factory=new_claim)
    #: style reports of the posts a partial check names, being made in a child process
    _lint_ahead: Background[Linted] | None = field(default=None, repr=False)
    #: what the last ``load`` read through, and what this run derives goes into (see ``_cache``)
    _loaded: Cache | None = field(default=None, repr=False)

    @property
    def capabilities(self) -> dict[str, Capabilities]:
        """What every network can do (the capability table: no adapter is loaded for it)."""
        return all_capabilities()

    def load(self, only: Iterable[str] | None = None) -> Content:
        """The repository's content (``only``: just the posts there, for ``check`` of a few
        files; such content cannot be planned)."""
        if only is not None:  # lint the named posts meanwhile: the linter takes long to start
            self._lint_ahead = in_background(
                partial(_lint_posts, self.repo, self.config, only), _LINTED
            )
        content, self._loaded = load_cached(self.repo, self.config, NETWORKS, only)
        return content

    def _cache(self, content: Content) -> Cache | None:
        """The cache ``content`` was loaded through, if it was by the last ``load``."""
        cache = self._loaded
        return cache if cache is not None and cache.tree is content.tree else None

    def _context(
        self,
        content: Content,
        render: Mapping[str, Collection[str]] | None = None,
        check: Iterable[Post] = (),
    ) -> Context:
        """``build_context`` with this run's cache and settings."""
        if self._lint_ahead is not None:
            LINTED.update(self._lint_ahead.result() or {})
            self._lint_ahead = None
        cache = self._cache(content)
        return build_context(content, self.config, self.capabilities, cache, render, check)

    def _remember(self, content: Content) -> None:
        """Keep what this run loaded and derived for the next run."""
        cache = self._cache(content)
        if cache is not None:
            cache.save()

    def check(
        self, content: Content, strict: bool = False, only: Iterable[str] | None = None
    ) -> CheckResult:
        """Every problem; ``only`` limits the check to some files or folders (a pull request's)."""
        scope = None if only is None else tuple(only)
        context = self._context(content, check=checked_posts(content, scope))
        result = self._check(content, context, self.read_results(content, scope)[1], strict, scope)
        self._remember(content)
        return result

    def _check(
        self,
        content: Content,
        context: Context,
        result_problems: Iterable[Diagnostic],
        strict: bool = False,
        scope: tuple[str, ...] | None = None,
    ) -> CheckResult:
        extra = [
            *self.config_problems,
            *self._token_problems(content, scope),
            *result_problems,
            *tracked_caches(self.repo),
            *self._moderation_problems(content),
            *self._inbox_settings_problems(),
            *self._review_problems(content),
            *contest_problems(content, self.capabilities, self.clock.now(), self._published),
        ]
        return check_content(
            content, context.findings, self.config, self.capabilities, extra, strict, scope
        )

    def _published(self, post: Post) -> bool:
        """Whether the post's result file records it published on some account."""
        try:
            entries = ResultFiles(self.repo).read(post.result_file_path)
        except RESULT_FILE_ERRORS:
            return True  # a damaged result file holds the post back on its own
        return any(entry.state == "published" for entry in entries.values())

    def _moderation_problems(self, content: Content) -> list[Diagnostic]:
        """The accounts whose own moderation rules cannot be used (``moderate`` would not
        sweep them)."""
        if not any(account.moderation for account in content.accounts):
            return []
        from publisher.moderation.rules import override_problems

        return override_problems(self.repo, content.accounts)

    def _inbox_settings_problems(self) -> list[Diagnostic]:
        """What keeps ``monitoring.yml`` or ``departments.yml`` from being used (``inbox
        collect`` would stop on it)."""
        from publisher.inbox.departments import department_problems
        from publisher.moderation.monitoring import monitoring_problems

        return [*monitoring_problems(self.repo), *department_problems(self.repo)]

    def _review_problems(self, content: Content) -> list[Diagnostic]:
        """The decisions on filed comments that ``moderate`` would refuse (a value it does not
        know, a file that is not the one it wrote, a comment it never filed), shown in the
        request that writes them, before the merge."""
        from publisher.moderation.review import REVIEW_DIR

        if not (self.repo / REVIEW_DIR).is_dir():
            return []
        from publisher.moderation.log import read_log
        from publisher.moderation.review import check_against_log, read_reviews, reviewed

        reviews = read_reviews(self.repo)
        decided = [r for r in reviews if r.decision and not r.problems]
        if decided:
            history = read_log(self.repo, 12, skip_damaged=True, defaults=content.default_accounts)
            filed = reviewed(history)
            reviews = [r for r in reviews if r not in decided]
            reviews += [check_against_log(r, filed) for r in decided]
        return [problem for review in reviews for problem in review.problems]

    def _token_problems(self, content: Content, scope: tuple[str, ...] | None) -> list[Diagnostic]:
        return scan_for_tokens(self.repo, content.tree, self._cache(content), scope)

    def result_file_paths(self, content: Content) -> list[str]:
        """Every result file the content may have: posts', removed posts', accounts'."""
        paths = {p.result_file_path for p in content.posts} | set(content.orphan_result_files)
        paths |= {account_result_file_path(a) for a in content.accounts}
        paths |= {item.result_file_path for item in content.inbox}
        return sorted(paths)

    def result_entries(self, content: Content) -> dict[str, dict[str, ResultEntry]]:
        """Every result file's entries by path (a damaged file counts as empty)."""
        return self.read_results(content)[0]

    def read_results(
        self, content: Content, scope: tuple[str, ...] | None = None
    ) -> tuple[dict[str, dict[str, ResultEntry]], list[Diagnostic]]:
        """Every result file's entries by path (or those under ``scope``), and a problem for
        each damaged one."""
        result_entries: dict[str, dict[str, ResultEntry]] = {}
        problems: list[Diagnostic] = []
        paths = self.result_file_paths(content)
        if scope is not None:
            paths = list(filter(scope_filter(scope), paths))
        for rel in paths:
            try:
                result_entries[rel] = self._read_result(content, rel)
            except RESULT_FILE_ERRORS as error:
                result_entries[rel] = {}
                problems.append(result_file_problem(rel, error))
        return result_entries, problems

    def _read_result(self, content: Content, rel: str) -> dict[str, ResultEntry]:
        """One result file, parsed once per content (files under the scanned tree are known
        by content without reading them)."""
        tree, cache = content.tree, self._cache(content)
        if tree is None or cache is None or not rel.startswith(tree.prefixes):
            return ResultFiles(self.repo, content.account_aliases).read(rel)
        digest = tree.digest(rel)
        if digest is None:
            return {}
        found = cache.result_file(digest, lambda: parse_result_file(self._text(rel)))
        return with_aliases(found.entries, content.account_aliases)

    def _text(self, rel: str) -> str:
        """A repository file's text (a path is made only for a file that must be read: a warm
        check of 10,000 result files spent 0.03 s making paths it never used)."""
        return (self.repo / rel).read_text("utf-8")

    def plan(self, content: Content, preview: bool = False) -> Plan:
        """What apply would do (``preview``: see ``checked_plan``)."""
        result_entries = self.result_entries(content)
        ctx = self._plan_context()
        wanted = renderings_wanted(content, result_entries, ctx, preview)
        context = self._context(content, wanted.render)
        plan = build_plan(content, context.renderings, result_entries, ctx, wanted.unchanged)
        self._remember(content)
        return plan

    def manual_steps(self, content: Content) -> list[Action]:
        """The accounts' profile actions with fields only a person can set, not yet done (the
        plan lists them too; this needs no post rendered)."""
        actions = profile_actions(content, self.result_entries(content), self._plan_context())
        return [action for action in actions if action.manual]

    def checked_plan(self, content: Content, preview: bool = False) -> tuple[CheckResult, Plan]:
        """Check, then plan with every post that has an error held back (plan and apply); the
        renderings are made once for both.

        A ``preview`` is a plan that is only shown, and without the text of the posts that do
        not change: a post whose result file records the source it has now is not rendered
        (see ``plan.renderings_wanted``), nor checked again where that holds on each of its
        networks (it was checked when it went out; ``publisher check`` still reads it). Apply
        never plans so.
        """
        result_entries, result_problems = self.read_results(content)
        ctx = self._plan_context()
        wanted = renderings_wanted(content, result_entries, ctx, preview)
        checked = [
            p for p in checked_posts(content) if not wanted.settled(p, content.targets_of(p))
        ]
        context = self._context(content, wanted.render, checked)
        result = self._check(content, context, result_problems)
        held = content.holding_back(result.errors)
        plan = build_plan(held, context.renderings, result_entries, ctx, wanted.unchanged)
        self._remember(content)
        return result, plan

    def _plan_context(self) -> PlanContext:
        return PlanContext(self.config, self.capabilities, self.clock.now(), self.claim)

    def http_client(self) -> httpx.Client:
        from publisher.networks.base import new_http_client

        return new_http_client(self.transport)

    def apply(
        self,
        content: Content,
        plan: Plan,
        approvals: Approvals,
        watch: Watch[Result] | None = None,
    ) -> ApplyReport:
        """Run the plan's changes; every result is in the result files when this returns, and
        ``watch`` heard of each as it completed."""
        from publisher.engine.apply import Applier

        pending = {action.account_key for action in plan.pending}
        with self.http_client() as http:
            adapters = self.adapters_for(content, pending, http)
            applier = Applier(
                ResultFiles(self.repo, content.account_aliases),
                adapters.ready,
                self.clock,
                approvals.default,
                adapters.unavailable,
                approvals.per_post,
                self.claim,
                _remote_owners(self.result_entries(content)),
                watch,
            )
            return applier.run(plan)

    def mark_answered(self, content: Content) -> list[str]:
        """Set ``status: answered`` in every open message whose result file records its answer
        as sent, by this run or by an earlier one whose change was lost; return the files
        changed (the run commits them with its results).

        A file whose status line cannot be changed alone is left as it is (check reports it)."""
        from publisher.inbox.items import set_status

        result_files = ResultFiles(self.repo, content.account_aliases)
        marked: list[str] = []
        for item in content.inbox:
            if item.status in ("answered", "closed"):
                continue
            try:
                if answered(result_files.read(item.result_file_path)):
                    set_status(self.repo, item.path, "answered")
                    marked.append(item.path)
            except (PublisherError, *RESULT_FILE_ERRORS):
                continue
        return marked

    def adapters_for(self, content: Content, names: Iterable[str], http: httpx.Client) -> Adapters:
        """Adapters for the accounts named (by account name, or by network for its default
        account) that have an account file, and what is missing."""
        wanted = set(names)
        accounts = {
            a.name: self._with_config_settings(a) for a in content.accounts if a.name in wanted
        }
        for network in wanted - set(accounts):
            account = content.default_account(network)
            if account is not None and account.name not in accounts:
                accounts[network] = self._with_config_settings(account)
        from publisher.engine.runtime import build_adapters

        sandbox = self.sandbox_dir is not None
        return build_adapters(
            accounts, self.env, http, self.clock, sandbox, primary_secrets(content)
        )

    def moderate(
        self,
        content: Content,
        dry_run: bool,
        watch: Watch[Outcome] | None = None,
        approver: Callable[[str], str] | None = None,
    ) -> SweepReport:
        """One moderation sweep over the recent posts of every account; the log is written
        unless ``dry_run``. An account whose own rules cannot be used is not swept; ``watch``
        hears of each post read and each decision as it is taken. First, the people's decisions
        on filed comments that ``approver`` (the file -> who approved it, or ApprovalError)
        lets act are carried out."""
        from publisher.moderation.rules import load_rules
        from publisher.moderation.sweep import ModerationBook, Sweep, recent_posts

        rules = load_rules(self.repo, self.config.timezone)
        now = self.clock.now()
        defaults = content.default_accounts
        posts = recent_posts(self.result_entries(content), now, rules.recent_days)
        sharing = {a.name for a in content.accounts if a.network in rules.shared_blacklist}
        book = ModerationBook(self.repo, defaults)
        decided, problems = self._decided(book, approver)
        deciding = {d.review.account for d in decided}
        with self.http_client() as http:
            adapters = self.adapters_for(content, set(posts) | sharing | deciding, http)
            moderated, failed = self._moderated(content, rules, adapters)
            names = AccountNames(content.accounts)
            titles = {a.name: names.title(a.network, a.name) for a in content.accounts}
            sweep = Sweep(moderated, book, now, dry_run, watch, titles)
            report = sweep.run(posts)
            sweep.carry_out(decided, report)
        report.problems = problems
        report.failed_accounts.update(failed)
        if not dry_run:
            report.files = book.save(now)
        return report

    def _decided(
        self, book: ModerationBook, approver: Callable[[str], str] | None
    ) -> tuple[list[Decided], list[Diagnostic]]:
        """The decisions on filed comments to carry out now, and the files whose decision
        cannot be (refused, not approved): each with its file, line and fix."""
        from publisher.moderation.review import check_against_log, read_reviews, reviewed
        from publisher.moderation.sweep import Decided

        history = book.history(months=12)
        filed = reviewed(history)
        acted = {f"{e.account_key}:{e.comment}" for e in history if e.approved_by}
        decided: list[Decided] = []
        problems: list[Diagnostic] = []
        for review in read_reviews(self.repo):
            if review.decision and not review.problems:
                review = check_against_log(review, filed)
            problems.extend(review.problems)
            key = f"{review.account}:{review.comment}"
            if not review.due or key in acted:
                continue  # pending, refused, or carried out already (never twice)
            try:
                approved_by = approver(review.path) if approver else ""
            except ApprovalError as error:
                problems.append(_not_approved(review.path, review.line("decision"), error))
                continue
            decided.append(Decided(review, filed[key], approved_by))
        return decided, problems

    def _moderated(
        self, content: Content, rules: Rules, adapters: Adapters
    ) -> tuple[dict[str, Moderated], dict[str, str]]:
        """Each account the sweep can read, with its rules and blacklist; and why the others
        cannot be (no token, or rules of its own that cannot be used)."""
        from publisher.moderation.rules import account_rules
        from publisher.moderation.sweep import Moderated, blacklist_of

        failed = {name: error.message for name, error in adapters.unavailable.items()}
        moderated: dict[str, Moderated] = {}
        for name, adapter in adapters.ready.items():
            try:
                own = account_rules(self.repo, rules, adapter.account)
            except PublisherError as error:
                failed[name] = error.message
                continue
            blacklist = blacklist_of(adapter.account, content.accounts, rules)
            moderated[name] = Moderated(adapter, own, blacklist)
        return moderated, failed

    def restore_moderation(self, content: Content, log_id: str) -> Restored:
        """Undo a removal (where the network can) on the account of the log entry, and lift
        the author's ban there and on the accounts that keep one blacklist with it; log both."""
        from publisher.moderation.rules import load_rules
        from publisher.moderation.sweep import ModerationBook, blacklist_of

        book = ModerationBook(self.repo, content.default_accounts)
        history = book.history(months=12)
        entry = next((e for e in history if e.id == log_id), None)
        if entry is None:
            raise PublisherError(
                _("There is no moderation log entry '{id}'.", id=log_id),
                _("Copy the id from moderation/log/*.yml."),
            )
        name, author = entry.account_key, entry.author_id
        account = content.account(name)
        rules = load_rules(self.repo, self.config.timezone)
        sharing = blacklist_of(account, content.accounts, rules) if account else {name}
        banned = sorted(
            {e.account_key for e in history if e.action == "banned" and e.author_id == author}
            & sharing
        )
        comment = Comment(entry.network, entry.comment, "", author, post_id=entry.post)
        done: list[str] = []
        manual: list[str] = []
        with self.http_client() as http:
            adapters = self.adapters_for(content, {name, *banned}, http)
            if name in adapters.unavailable:
                raise adapters.unavailable[name]
            if name not in adapters.ready:
                raise PublisherError(
                    _("There is no account '{name}' in accounts/ any more.", name=name),
                    _("Restore its file, or undo the action on the network by hand."),
                )
            adapter = adapters.ready[name]
            if entry.action == "deleted" and adapter.capabilities.restore_comment:
                adapter.restore_comment(comment)
                done.append(book.log(replace(entry, action="restored", at=self.clock.now())))
            elif entry.action in ("deleted", "hidden"):
                manual.append(
                    _(
                        "{network} cannot bring the comment back through its API.",
                        network=entry.network,
                    )
                )
            for other in banned:
                try:
                    _unban(adapters, other, author)
                except PublisherError as error:
                    manual.append(
                        _(
                            "Lift the author's ban on {account} by hand: {error}",
                            account=other,
                            error=error.message,
                        )
                    )
                    continue
                unbanned = replace(entry, account=other, action="unbanned", at=self.clock.now())
                done.append(book.log(unbanned))
        return Restored(done, manual, book.save(self.clock.now()))

    def collect_inbox(self, content: Content, watch: Watch[str] | None = None) -> CollectReport:
        """File new citizens' questions, requests and complaints, each once, with a deadline
        and the account it came to; ``watch`` hears of each account read and each file the
        moment it is written."""
        watch = watch or Watch()
        from publisher.inbox.departments import load_departments
        from publisher.inbox.items import Collector, CollectReport, load_inbox_rules
        from publisher.moderation.log import read_log, removed_comments
        from publisher.moderation.monitoring import Monitoring, load_monitoring
        from publisher.moderation.rules import load_rules
        from publisher.moderation.sweep import recent_posts

        defaults = content.default_accounts
        rules = load_inbox_rules(self.repo, self.config.inbox)
        monitoring = load_monitoring(self.repo) or Monitoring()
        removed = removed_comments(read_log(self.repo, months=3, defaults=defaults))
        collector = Collector(self.repo, rules, removed, defaults, load_departments(self.repo))
        now = self.clock.now().astimezone(self.config.zone)
        recent = load_rules(self.repo).recent_days
        posts = recent_posts(self.result_entries(content), now, recent)
        messaging = {a.name for a in content.accounts if self.capabilities[a.network].messages}
        searching = {defaults[n]: n for n in monitoring.networks if n in defaults}
        report = CollectReport()
        with self.http_client() as http:
            adapters = self.adapters_for(content, set(posts) | messaging | set(searching), http)
            watch.begin(len(adapters.ready) + len(monitoring.networks))
            for name, adapter in adapters.ready.items():
                filed = len(report.filed)
                _collect_account(collector, name, adapter, posts.get(name, []), now, report)
                for path in report.filed[filed:]:
                    watch.item(path)
                watch.advance()
            for network in monitoring.networks:
                filed = len(report.filed)
                _collect_open(collector, monitoring, network, adapters, defaults, now, report)
                for path in report.filed[filed:]:
                    watch.item(path)
                watch.advance()
        for name, missing in adapters.unavailable.items():
            report.failed_accounts[name] = missing.message
        report.files = [*report.filed, collector.save()]
        return report

    def run_contests(self, content: Content) -> ContestReport:
        """Read the entrants of every published contest not yet drawn, draw those that have
        closed, and prepare their results posts (see ``engine.contests``); the files written
        are in the report, for the run to commit."""
        from publisher.engine.contests import (
            ContestReport,
            ContestRun,
            Exclusions,
            banned_people,
            own_people,
        )
        from publisher.moderation.log import read_log
        from publisher.state.contest_files import (
            CONTEST_FILE_ERRORS,
            contest_file_path,
            read_contest_file,
        )

        result_files = ResultFiles(self.repo, content.account_aliases)
        pending: list[tuple[Post, dict[str, ResultEntry]]] = []
        for post in content.posts:
            if post.contest is None or post.status != "ready" or post.path in content.broken_posts:
                continue
            try:
                record = read_contest_file(self.repo, contest_file_path(post.id))
                entries = result_files.read(post.result_file_path)
            except (*CONTEST_FILE_ERRORS, *RESULT_FILE_ERRORS):
                record, entries = None, {}
            if record is None or record.draw is None or not record.results_post:
                pending.append((post, entries))
        if not pending:
            return ContestReport()
        defaults = content.default_accounts
        log = read_log(self.repo, skip_damaged=True, defaults=defaults)
        own = own_people((a.network, a.account_id) for a in content.accounts)
        rules = Exclusions(self.config.contests, own, frozenset(banned_people(log)))
        names = {name for _post, entries in pending for name, e in entries.items() if e.remote_id}
        with self.http_client() as http:
            adapters = self.adapters_for(content, names, http)
            run = ContestRun(self.repo, adapters.ready, rules, self.clock.now())
            for post, entries in pending:
                run.run(post, entries)
        return run.report

    def contest_winners(self, content: Content, post: Post) -> dict[str, Entrant]:
        """Who is behind each winner's pseudonym, read from the networks now (names and
        links, for the operator's terminal: nothing is written)."""
        from publisher.engine.contests import Exclusions, own_people, winners_found
        from publisher.state.contest_files import contest_file_path, read_contest_file

        record = read_contest_file(self.repo, contest_file_path(post.id))
        if record is None or record.draw is None or post.contest is None:
            raise PublisherError(
                _("The contest of {post} has not been drawn yet.", post=post.id),
                _("apply draws it at the first run after the closing time."),
            )
        entries = ResultFiles(self.repo, content.account_aliases).read(post.result_file_path)
        published = {n: e for n, e in entries.items() if e.state == "published" and e.remote_id}
        own = own_people((a.network, a.account_id) for a in content.accounts)
        rules = Exclusions(self.config.contests, own, frozenset())
        found: list[Entrant] = []
        with self.http_client() as http:
            adapters = self.adapters_for(content, published, http)
            for name, entry in published.items():
                if name in adapters.unavailable:
                    raise adapters.unavailable[name]
                found.extend(adapters.ready[name].entrants(entry.ref(), post.contest.entry))
        return winners_found(record.draw.winners, found, rules)

    def announce_broadcasts(self, content: Content, plan: Plan) -> tuple[Plan, LiveReport]:
        """Create the broadcasts of the ``live:`` posts the plan sends where the network can,
        and link each announcement to its broadcast (see ``engine.live``)."""
        from publisher.engine.live import Broadcasts, LiveReport, live_actions

        posts = {p.path: p for p in content.posts}
        creates = {a.name: self.capabilities[a.network].live for a in content.accounts}
        creates.update({n: c.live for n, c in self.capabilities.items() if n not in creates})
        sending = live_actions(plan, posts, creates)
        if not sending:
            return plan, LiveReport()
        with self.http_client() as http:
            adapters = self.adapters_for(content, {a.account_key for a in sending}, http)
            broadcasts = Broadcasts(self.repo, adapters.ready, self.clock.now())
            plan = broadcasts.announce(plan, posts, sending)
        return plan, broadcasts.report

    def follow_broadcasts(self, content: Content, report: LiveReport) -> LiveReport:
        """Record the end of every broadcast the networks show over (into ``report``)."""
        from publisher.engine.live import Broadcasts
        from publisher.state.live_files import LIVE_FILE_ERRORS, live_file_path, read_live_file

        posts: list[Post] = []
        names: set[str] = set()
        for post in content.posts:
            if post.live is None:
                continue
            try:
                entries = read_live_file(self.repo, live_file_path(post.id))
            except LIVE_FILE_ERRORS:
                entries = {}
            open_ones = {name for name, entry in entries.items() if not entry.ended}
            if open_ones:
                posts.append(post)
                names |= open_ones
        if not posts:
            return report
        with self.http_client() as http:
            adapters = self.adapters_for(content, names, http)
            broadcasts = Broadcasts(self.repo, adapters.ready, self.clock.now())
            broadcasts.report = report
            broadcasts.follow(posts)
        return broadcasts.report

    def _with_config_settings(self, account: Account) -> Account:
        """Repository-wide settings an adapter needs, unless the account overrides them."""
        url = self.config.media_base_url
        defaults = {"media_base_url": url} if url else {}
        return replace(account, settings={**defaults, **account.settings})

    def push(self) -> None:
        from publisher.state.repo import push

        push(self.repo)

    def reserve(
        self, content: Content, plan: Plan, approve: Callable[[Plan], object]
    ) -> tuple[Content, Plan]:
        """Claim the plan's new posts in the shared repository before sending any of them.

        The intents are committed and pushed; if another run pushed first, this commit is
        dropped, the other run's claims are pulled in, and the plan is made again (their posts
        now wait). Pushing is atomic on the Git host, so two runs never claim the same post.
        The pull may bring new commits too, so the new plan's approvals are checked again
        (``approve`` raises ApprovalError) before it is claimed or applied.
        """
        from publisher.engine.apply import reserve
        from publisher.state.repo import (
            PUSH_ATTEMPTS,
            commit_results,
            drop_last_commit_and_pull,
            push_once,
        )

        for _attempt in range(PUSH_ATTEMPTS):
            files = reserve(
                ResultFiles(self.repo, content.account_aliases),
                plan,
                self.claim,
                self.clock.now().isoformat(),
            )
            if not files:
                return content, plan
            message = "publisher: " + _("reserve {count} posts", count=len(files))
            commit_results(self.repo, files, f"{message}\n")
            if push_once(self.repo):
                return content, plan
            drop_last_commit_and_pull(self.repo)
            content = self.load()
            _check, plan = self.checked_plan(content)  # what check holds back stays back
            approve(plan)
        raise RepoError(
            _("Another run keeps pushing first; nothing was published."),
            _("Run publisher apply --push again."),
        )

    def head(self) -> str:
        from publisher.state.repo import head_sha

        return head_sha(self.repo)


#: style reports by (text, rules), as ``stylecheck.LINTED`` keeps them
Linted = dict[tuple[str, str], StyleReport]
#: the style reports a child linted ahead, as it sends them back
_LINTED = typed(Linted)


def _lint_posts(repo: Path, config: Config, only: Iterable[str]) -> Linted:
    """Style reports of the posts under ``only`` (see ``stylecheck.LINTED``), for a parent
    process that meanwhile does the rest of the check."""
    rules = config.style
    for path in only:
        target = repo / path
        files = sorted(target.rglob("*.md")) if target.is_dir() else [target]
        for file in files:
            if file.suffix == ".md" and file.is_file():
                post, _problems = load_post(repo, file, config, NETWORKS)
                if post is not None:
                    post_style(post, rules)
    return dict(LINTED)


def open_workspace(
    repo: Path,
    clock: Clock | None = None,
    env: Mapping[str, str] | None = None,
    sandbox_dir: Path | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Workspace:
    config, problems = load_config(repo)
    return Workspace(
        repo=repo,
        config=config,
        config_problems=problems,
        clock=clock or Clock(),
        env=dict(os.environ) if env is None else env,
        sandbox_dir=sandbox_dir,
        transport=transport,
    )


def commit_message(report: ApplyReport, approvals: Approvals) -> str:
    """Subject with counts, one line per result, trailers naming the sources and approvers.

    A result line names the network, and the account after it where the account's name is
    not the network's (``create vk · bratskoe-vk: 2026/12/elka [done] https://…``), so that
    ``publisher log`` tells which of a network's accounts each result is on. The subject and
    lines speak the configured language; the ``publisher:`` prefix and the trailers do not
    (the approval gate and ``publisher log`` read them)."""
    from publisher.state.repo import RESULT_SUBJECT_PREFIX, build_message

    counts = _("{done} done, {failed} failed", done=len(report.done()), failed=len(report.failed))
    lines = []
    for result in report.results:
        action = result.action
        where = result.ref.url if result.ref and result.ref.url else ""
        account, title = action.account_key, network_title(action.network)
        on = title if account == action.network else f"{title} · {account}"
        kind, outcome = action_label(action.kind.value), outcome_label(result.outcome.value)
        lines.append(f"{kind} {on}: {action.post_id} [{outcome}] {where}".rstrip())
    return build_message(f"{RESULT_SUBJECT_PREFIX} {counts}", lines, approvals.trailers())


def _unban(adapters: Adapters, account: str, author: str) -> None:
    """Lift the author's ban on the account (its NetworkError if it cannot be reached)."""
    adapter = adapters.ready.get(account)
    if adapter is None:
        raise adapters.unavailable[account]
    adapter.unban(author)


def _collect_account(
    collector: Collector,
    name: str,
    adapter: Adapter,
    refs: list[RemoteRef],
    now: datetime,
    report: CollectReport,
) -> None:
    """Read one account's new comments and messages and file them; an account that cannot
    be read is named in the report (messages that fail still leave its comments filed)."""
    since = collector.since(name)
    try:
        found = _comments(adapter, refs, since)
    except PublisherError as failure:
        report.failed_accounts[name] = failure.message
        return
    try:
        found += adapter.messages(since) if adapter.capabilities.messages else []
    except PublisherError as failure:  # e.g. VK's community token not named
        report.failed_accounts[name] = failure.message
    collector.file(found, name, now, report)
    collector.advance(name, now)


def _collect_open(
    collector: Collector,
    monitoring: Monitoring,
    network: str,
    adapters: Adapters,
    defaults: Mapping[str, str],
    now: datetime,
    report: CollectReport,
) -> None:
    """Read what ``monitoring.yml`` names on ``network`` with its default account's tokens
    and file the messages that mention the district (all of a watched community's), leaving
    out noise; the account answers them. A network that cannot be read is named in the report
    (``open:<network>``) and its cursor stays, so the next run reads the same span again."""
    from publisher.networks.base import OpenQuery

    key = f"open:{network}"
    name = defaults.get(network)
    adapter = adapters.ready.get(name or "")
    if name is None or adapter is None:
        missing = adapters.unavailable.get(name or "")
        report.failed_accounts[key] = (
            missing.message
            if missing is not None
            else _("There is no {network} account to search with.", network=network_title(network))
        )
        return
    window = timedelta(days=monitoring.days)
    query = OpenQuery(
        since=max(collector.since(key) or now - window, now - window),
        until=now,
        posts_since=now - window,
        phrases=tuple(p.text for p in monitoring.phrases),
        communities=monitoring.communities.get(network, ()),
        search_in=monitoring.search_in.get(network, ()),
    )
    try:
        found = adapter.open_messages(query)
    except PublisherError as failure:
        report.failed_accounts[key] = failure.message
        return
    wanted = [
        c
        for c in found
        if not monitoring.excluded(c.text)
        and (c.extra.get("watched") or monitoring.mentions(c.text))
    ]
    report.skipped += len(found) - len(wanted)
    collector.file_open(wanted, name, now, report)
    collector.advance(key, now)


def _comments(adapter: Adapter, refs: list[RemoteRef], since: datetime | None) -> list[Comment]:
    """Comments under the recent posts, where the network gives them."""
    if not adapter.capabilities.comments:
        return []
    return [comment for ref in refs for comment in adapter.comments(ref, since)]


def primary_secrets(content: Content) -> dict[str, dict[str, str]]:
    """The secret names of each network's default account, by role (see
    ``runtime.sandbox_token``)."""
    from publisher.engine.runtime import secret_names

    found: dict[str, dict[str, str]] = {}
    for account in content.accounts:
        default = content.default_account(account.network) or account
        found.setdefault(account.network, secret_names(default))
    return found


def _remote_owners(
    result_entries: Mapping[str, Mapping[str, ResultEntry]],
) -> dict[tuple[str, str], str]:
    """(account, remote id) -> the result file that records that publication."""
    return {
        (account, entry.remote_id): rel
        for rel, entries in result_entries.items()
        for account, entry in entries.items()
        if entry.remote_id
    }


def _not_approved(rel: str, line: int, error: ApprovalError) -> Diagnostic:
    """A decision on a filed comment that is not carried out until it is approved."""
    return Diagnostic(rel, line, Severity.WARNING, error.message, error.hint, "moderation-decision")
