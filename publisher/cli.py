"""The ``publisher`` command: parse options, call the library, print, map errors to exit codes.

Exit codes:
    0  done (or nothing to do)
    1  content, config or approval problems (nothing was published for the broken posts)
    2  usage error (click's own)
    3  partial apply: some actions failed; they are recorded and the next run retries them
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click

from publisher.core import i18n
from publisher.core.i18n import _

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_PARTIAL = 3


@dataclass
class Deps:
    """What tests may inject: a clock, an environment, the Git host's HTTP (defaults: real)."""

    clock: Any = None
    env: Mapping[str, str] | None = None
    forge_transport: Any = None


@dataclass
class Options:
    """Global options of one invocation."""

    repo: Path
    sandbox: Path | None
    deps: Deps

    def workspace(self) -> Any:
        from publisher.core.clock import Clock
        from publisher.engine.workspace import open_workspace

        clock = self.deps.clock or Clock()
        transport = None
        if self.sandbox is not None:
            transport = self._sandbox(clock).transport()
        return open_workspace(self.repo, clock, self.deps.env, self.sandbox, transport)

    def _sandbox(self, clock: Any) -> Any:
        from publisher.core.config import load_config
        from publisher.sandbox.app import Sandbox
        from publisher.sandbox.faults import FaultSpecError, parse_faults

        assert self.sandbox is not None
        env = self.deps.env if self.deps.env is not None else os.environ
        try:
            faults = parse_faults(env.get("PUBLISHER_SANDBOX_FAULTS"))
        except FaultSpecError as exc:
            fail(_("PUBLISHER_SANDBOX_FAULTS: {error}", error=exc))
        sandbox = Sandbox(self.sandbox, clock=clock, faults=faults)
        config, _problems = load_config(self.repo)
        if config.media_base_url:
            sandbox.media_roots[config.media_base_url] = self.repo
        return sandbox


def fail(message: str, hint: str = "", code: int = EXIT_PROBLEMS) -> NoReturn:
    """Print the error (printable only: it may quote a file or a network) and exit."""
    from publisher.core.escape import printable

    click.echo(_("Error: {message}", message=printable(message)), err=True)
    if hint:
        click.echo(f"→ {printable(hint)}", err=True)
    sys.exit(code)


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn our errors into a message and an exit code; never a traceback."""
    import functools

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from publisher.core.errors import PublisherError
        from publisher.core.redact import redact

        try:
            return func(*args, **kwargs)
        except PublisherError as exc:
            fail(redact(exc.message), redact(exc.hint))
        except OSError as exc:
            fail(redact(f"{exc.strerror or exc}: {exc.filename or ''}".strip(": ")))

    return wrapper


def exclusive(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run the command under the clone's run lock (``engine.lock``): commands that post or
    write result files never run twice at once in one clone."""
    import functools

    @functools.wraps(func)
    def wrapper(opts: Options, *args: Any, **kwargs: Any) -> Any:
        with _run_lock(opts.repo):
            return func(opts, *args, **kwargs)

    return wrapper


def _run_lock(repo: Path) -> contextlib.AbstractContextManager[None]:
    from publisher.engine.lock import run_lock

    def waiting() -> None:
        message = _("Another publisher run is going on in this folder; waiting for it to end.")
        click.echo(message, err=True)

    return run_lock(repo, waiting)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    help="Repository folder (default: the current one).",
)
@click.option(
    "--sandbox",
    "sandbox",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Send every network call to the built-in sandbox kept in DIR.",
)
@click.option(
    "--lang",
    type=click.Choice(["ru", "en"]),
    default=None,
    help="Language of messages (default: ru, or PUBLISHER_LANG).",
)
@click.pass_context
def main(ctx: click.Context, repo: Path, sandbox: Path | None, lang: str | None) -> None:
    """publisher: the press service's social accounts, run from a Git repository."""
    deps = ctx.obj if isinstance(ctx.obj, Deps) else Deps()
    env = deps.env if deps.env is not None else os.environ
    i18n.set_language(lang or env.get("PUBLISHER_LANG") or _config_language(repo))
    ctx.obj = Options(repo.resolve(), sandbox.resolve() if sandbox else None, deps)


def _config_language(repo: Path) -> str | None:
    from publisher.core.config import load_config
    from publisher.core.errors import ConfigError

    try:
        return load_config(repo)[0].language or None
    except ConfigError:
        return None


FORMATS_CHECK = click.Choice(["text", "github", "json"])


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=FORMATS_CHECK, default="text", help="Output format.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.pass_obj
@handle_errors
def check(opts: Options, paths: tuple[str, ...], fmt: str, strict: bool) -> None:
    """Check posts and accounts; list every problem with its file, line and fix."""
    from publisher.reports import plan_report as report

    ws = opts.workspace()
    from publisher.state.tree import narrowed

    only = narrowed([_repo_relative(opts.repo, p) for p in paths] or None)
    result = ws.check(ws.load(only), strict=strict, only=only)
    if fmt == "json":
        import json

        click.echo(
            json.dumps(
                [report.diagnostic_dict(d) for d in result.diagnostics],
                ensure_ascii=False,
                indent=2,
            )
        )
    elif fmt == "github":
        if result.diagnostics:
            click.echo(report.diagnostics_github(result.diagnostics))
        click.echo(report.check_summary(result.diagnostics))
    else:
        if result.diagnostics:
            click.echo(report.diagnostics_text(result.diagnostics))
        click.echo(report.check_summary(result.diagnostics))
    sys.exit(EXIT_PROBLEMS if result.errors else EXIT_OK)


def _repo_relative(repo: Path, path: str) -> str:
    candidate = Path(path)
    absolute = candidate if candidate.is_absolute() else (Path.cwd() / candidate)
    try:
        return absolute.resolve().relative_to(repo).as_posix()
    except ValueError:
        return candidate.as_posix()


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text")
@click.option("--all", "show_all", is_flag=True, help="Also list posts with no change.")
@click.option(
    "--comment",
    is_flag=True,
    help="Also post the plan as the merge request's comment (updated in place).",
)
@click.pass_obj
@handle_errors
def plan(opts: Options, fmt: str, show_all: bool, comment: bool) -> None:
    """Show what apply would do on each network, with each network's text."""
    from publisher.reports import plan_report as report

    ws = opts.workspace()
    content = ws.load()
    result, the_plan = ws.checked_plan(content)
    if fmt == "json":
        click.echo(report.plan_json(the_plan, result.diagnostics))
    elif fmt == "markdown":
        click.echo(
            report.plan_markdown(the_plan, result.diagnostics, _plan_style(ws, content, the_plan))
        )
    else:
        if result.diagnostics:
            click.echo(report.diagnostics_text(result.diagnostics))
        click.echo(report.plan_text(the_plan, show_noop=show_all))
    if comment:
        body = report.plan_markdown(
            the_plan, result.diagnostics, _plan_style(ws, content, the_plan)
        )
        _post_plan_comment(ws, body, opts.deps)
    sys.exit(EXIT_PROBLEMS if result.errors else EXIT_OK)


def _plan_style(ws: Any, content: Any, the_plan: Any) -> str:
    """The style score of every post the plan creates or changes."""
    from publisher.content.stylecheck import style_summary

    changing = {a.post_path for a in the_plan.pending}
    posts = [p for p in content.posts if p.path in changing]
    return style_summary(posts, ws.config.style)


def _post_plan_comment(ws: Any, body: str, deps: Deps) -> None:
    """Put the plan on the merge request; a fork's read-only token only earns a warning."""
    from publisher.core.errors import ApprovalError
    from publisher.forge import detect, request_number
    from publisher.reports.plan_report import PLAN_COMMENT_MARKER

    number = request_number(ws.env)
    forge = detect(ws.env, deps.forge_transport)
    if forge is None or number is None:
        click.echo(_("Not in a merge request's CI job: the plan is not posted."), err=True)
        return
    try:
        url = forge.upsert_comment(number, body, PLAN_COMMENT_MARKER)
    except ApprovalError as exc:
        click.echo(
            _("Warning: the plan comment was not posted: {error}", error=exc.message), err=True
        )
        return
    click.echo(_("Plan posted to the merge request. {url}", url=url).strip(), err=True)


@main.command()
@click.option("--no-commit", is_flag=True, help="Record results in files but do not commit.")
@click.option("--push", "do_push", is_flag=True, help="Push the result commit (rebase if needed).")
@click.option(
    "--skip-approval",
    is_flag=True,
    help="Publish to real networks outside CI without an approved merge (recorded).",
)
@click.pass_obj
@handle_errors
@exclusive
def apply(opts: Options, no_commit: bool, do_push: bool, skip_approval: bool) -> None:
    """Publish what the plan says, record the results and commit them."""
    from publisher.engine.apply import moves
    from publisher.engine.approval import Approver
    from publisher.reports import plan_report as report

    ws = opts.workspace()
    content = ws.load()
    result, the_plan = ws.checked_plan(content)
    if result.errors:
        click.echo(report.diagnostics_text(result.errors), err=True)
    approve = Approver(ws, skip_approval, opts.deps.forge_transport)
    approve(the_plan)
    if do_push and not no_commit:
        content, the_plan = ws.reserve(content, the_plan, approve)
    approvals = approve.current
    outcome = ws.apply(content, the_plan, approvals)
    click.echo(report.apply_text(the_plan, outcome))
    if not no_commit:
        files = [f for f in ws.ledger_paths(content) if (opts.repo / f).exists()]
        files += [action.moved_from for action in moves(the_plan)]  # the removal is committed
        sha = ws.commit(outcome, approvals, files)
        if sha:
            click.echo(_("Results recorded in commit {sha}.", sha=sha[:10]))
        if do_push:
            ws.push()
            click.echo(_("Pushed."))
    if outcome.failed:
        sys.exit(EXIT_PARTIAL)
    sys.exit(EXIT_PROBLEMS if result.errors else EXIT_OK)


def run() -> None:
    """Console entry point."""
    main(prog_name="publisher")


@main.command()
@click.argument("title")
@click.option("--date", "day", default=None, help="Date of the post folder, YYYY-MM-DD.")
@click.pass_obj
@handle_errors
def new(opts: Options, title: str, day: str | None) -> None:
    """Create a post bundle from the template, ready to edit."""
    from publisher.commands.scaffold import new_post

    path = new_post(opts.repo, title, day)
    click.echo(
        _(
            "Created {path}. Write the text, add photos next to it, open a merge request.",
            path=path.relative_to(opts.repo),
        )
    )


@main.command()
@click.option("--limit", default=20, show_default=True, help="How many result commits to show.")
@click.pass_obj
@handle_errors
def log(opts: Options, limit: int) -> None:
    """The publication history, read from git log."""
    from publisher.engine.history import publisher_commits

    items = publisher_commits(opts.repo, limit)
    if not items:
        click.echo(_("Nothing has been published from this repository yet."))
        return
    for item in items:
        click.echo(f"{item.sha[:10]}  {item.date}  {item.subject}")
        if not item.machine:
            click.echo(
                "    ⚠ "
                + _(
                    "Not a publisher commit: it also changes files a person writes. "
                    "Its approvals are not shown."
                )
            )
        for line in item.lines:
            click.echo(f"    {line}")
        for key, value in item.provenance:
            click.echo(f"    {_trailer_label(key)}: {value}")


def _trailer_label(key: str) -> str:
    labels = {
        "Source": _("Source commit"),
        "Approved-by": _("Approved by"),
        "Approval": _("Merge request"),
        "Run": _("CI run"),
    }
    return labels.get(key, key)


@main.command()
@click.argument("post")
@click.argument("network")
@click.option("--url", default=None, help="Link to the post found on the network.")
@click.option(
    "--id", "remote_id", default=None, help="Its id on the network, if the link lacks it."
)
@click.option("--absent", is_flag=True, help="The post is not on the network: publish it again.")
@click.pass_obj
@handle_errors
@exclusive
def resolve(
    opts: Options, post: str, network: str, url: str | None, remote_id: str | None, absent: bool
) -> None:
    """Settle a post left uncertain by an interrupted run, after looking at the network."""
    from publisher.commands.resolve import resolve_uncertain

    if absent == bool(url or remote_id):
        fail(_("Give either --url/--id (the post is there) or --absent (it is not)."), code=2)
    ws = opts.workspace()
    path = resolve_uncertain(ws, post, network, url or "", remote_id or "", absent)
    click.echo(_("Recorded in {path}. Run publisher apply to continue.", path=path))


@main.group()
def sandbox() -> None:
    """The built-in emulator of every network."""


@sandbox.command("show")
@click.option("--state", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the state as JSON.")
@handle_errors
def sandbox_show(state: Path, as_json: bool) -> None:
    """Print what each emulated network shows."""
    import json

    from publisher.core.escape import one_line
    from publisher.sandbox.app import Sandbox

    view = Sandbox(state).show()
    if as_json:
        click.echo(json.dumps(view, ensure_ascii=False, indent=2))
        return
    for network, data in view.items():
        posts = data.get("posts", [])
        click.echo(f"{network}: " + _("{n} posts", n=len(posts)))
        for item in posts:
            text = one_line(str(item.get("text") or ""))
            click.echo(f"  [{item.get('id')}] {text[:80]}")


@sandbox.command("serve")
@click.option("--state", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--port", default=8765, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@handle_errors
def sandbox_serve(state: Path, port: int, host: str) -> None:
    """Serve a web page showing each network's feed as published."""
    from werkzeug.serving import run_simple

    from publisher.sandbox.web import FeedPage

    click.echo(_("Open http://{host}:{port}/ (Ctrl+C to stop).", host=host, port=port))
    run_simple(host, port, FeedPage(state), use_reloader=False, threaded=True)


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the scratch copy (default: a new temporary folder).",
)
@click.pass_obj
@handle_errors
def demo(opts: Options, out: Path | None) -> None:
    """Run check, plan and apply on a copy of the example content against a fresh sandbox."""
    from publisher.commands.demo import run_demo

    sys.exit(run_demo(opts.repo, out, click.echo, opts.deps.clock))


@main.group()
def accounts() -> None:
    """Account profiles: image sizes and the dynamic cover."""


@accounts.command("fit")
@click.pass_obj
@handle_errors
def accounts_fit(opts: Options) -> None:
    """Make copies of avatars and covers at the size each network wants."""
    from publisher.commands.accounts import fit_images

    ws = opts.workspace()
    made = fit_images(ws, ws.load())
    if not made:
        click.echo(_("Every avatar and cover already has a size its network takes."))
    for item in made:
        click.echo(
            _(
                "{account}: {field} {source} → {target} (put this path into accounts/{account}.md)",
                account=item.account,
                field=item.field,
                source=item.source,
                target=item.target,
            )
        )


@accounts.command("cover")
@click.option("--upload", is_flag=True, help="Also set it as the cover where the network allows.")
@click.pass_obj
@handle_errors
def accounts_cover(opts: Options, upload: bool) -> None:
    """Draw the dynamic cover (date, next events, latest posts) and upload it."""
    from publisher.commands.accounts import refresh_cover
    from publisher.engine.approval import require_approved_history

    ws = opts.workspace()
    with _run_lock(opts.repo) if upload else contextlib.nullcontext():
        if upload:
            require_approved_history(ws, opts.deps.forge_transport)
        result = refresh_cover(ws, ws.load(), upload)
    click.echo(_("Cover drawn: {path}", path=result.path))
    for network in result.uploaded:
        click.echo(_("Uploaded to {network}.", network=network))
    for network, message in result.failed:
        click.echo(
            _("Not uploaded to {network}: {message}", network=network, message=message), err=True
        )
    sys.exit(EXIT_PARTIAL if result.failed else EXIT_OK)


@main.group(invoke_without_command=True)
@click.option("--dry-run", is_flag=True, help="Only show the decisions; change nothing.")
@click.option("--no-commit", is_flag=True, help="Write the log but do not commit it.")
@click.option("--push", "do_push", is_flag=True, help="Push the log commit.")
@click.pass_context
def moderate(ctx: click.Context, dry_run: bool, no_commit: bool, do_push: bool) -> None:
    """Read new comments, remove what the rules forbid, ban repeat offenders, log it."""
    if ctx.invoked_subcommand is None:
        _moderate(ctx.obj, dry_run, no_commit, do_push)


@handle_errors
@exclusive
def _moderate(opts: Options, dry_run: bool, no_commit: bool, do_push: bool) -> None:
    from publisher.engine.approval import require_approved_history
    from publisher.moderation.report import sweep_text
    from publisher.state.repo import commit_results

    ws = opts.workspace()
    if not dry_run:
        require_approved_history(ws, opts.deps.forge_transport)
    report = ws.moderate(ws.load(), dry_run)
    click.echo(sweep_text(report, dry_run))
    if report.files and not no_commit and not dry_run:
        message = f"publisher: moderation, {len(report.outcomes)} actions\n"
        sha = commit_results(opts.repo, report.files, message)
        if sha:
            click.echo(_("Log recorded in commit {sha}.", sha=sha[:10]))
        if do_push:
            ws.push()
    sys.exit(EXIT_PARTIAL if report.failed_networks else EXIT_OK)


@moderate.command("restore")
@click.argument("log_id")
@click.pass_obj
@handle_errors
@exclusive
def moderate_restore(opts: Options, log_id: str) -> None:
    """Undo a removal where the network allows it, and lift the author's ban."""
    from publisher.state.repo import build_message, commit_results

    ws = opts.workspace()
    restored = ws.restore_moderation(ws.load(), log_id)
    for entry in restored.done:
        click.echo(_("Done: {entry}", entry=entry))
    for step in restored.manual:
        click.echo(f"→ {step}")
    if restored.files:
        message = build_message(f"publisher: moderation restore {log_id}")
        commit_results(opts.repo, restored.files, message)


@main.group()
def moderation() -> None:
    """Tools for tuning the moderation rules."""


@moderation.command("classify")
@click.pass_obj
@handle_errors
def moderation_classify(opts: Options) -> None:
    """Read comments one per line on stdin; print one JSON decision per line."""
    import json

    from publisher.moderation.detector import Context, Detector
    from publisher.moderation.rules import load_rules

    detector = Detector(load_rules(opts.repo))
    context = Context()
    for line in sys.stdin:
        text = line.rstrip("\n")
        if text.strip():
            decision = detector.classify(text, "", context)
            click.echo(json.dumps(decision.as_json(), ensure_ascii=False))


@sandbox.command("comment")
@click.option("--state", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--network", required=True, help="vk, telegram, ok, max, facebook, instagram, x")
@click.option("--post", "post_id", default="", help="The post's id as sandbox show lists it.")
@click.option("--author", default="Житель", show_default=True)
@click.option("--author-id", default="", help="The author's user id (default: from the name).")
@click.option("--text", required=True)
@click.option("--direct", is_flag=True, help="A direct message to the account instead.")
@handle_errors
def sandbox_comment(
    state: Path, network: str, post_id: str, author: str, author_id: str, text: str, direct: bool
) -> None:
    """Add a citizen's comment (or direct message) in the sandbox."""
    import zlib

    from publisher.sandbox.app import Sandbox

    box = Sandbox(state)
    if network not in box.emulators:
        fail(_("Unknown network '{name}'.", name=network), code=2)
    user = author_id or str(100000 + zlib.crc32(author.encode()) % 900000)
    try:
        comment = box.add_comment(network, post_id, text, user, author, direct=direct)
    except (ValueError, NotImplementedError, KeyError) as exc:
        fail(str(exc))
    click.echo(_("Comment {id} added on {network}.", id=comment, network=network))


@main.group()
def inbox() -> None:
    """Citizens' messages: file them with a deadline, see what is due."""


@inbox.command("collect")
@click.option("--no-commit", is_flag=True, help="Write the files but do not commit them.")
@click.option("--push", "do_push", is_flag=True, help="Push the commit.")
@click.pass_obj
@handle_errors
@exclusive
def inbox_collect(opts: Options, no_commit: bool, do_push: bool) -> None:
    """File new questions, requests and complaints as content/inbox/... files."""
    from publisher.state.repo import commit_results

    ws = opts.workspace()
    report = ws.collect_inbox(ws.load())
    for path in report.filed:
        click.echo(_("Filed {path}", path=path))
    for network, error in report.failed_networks.items():
        click.echo(_("{network}: not read: {error}", network=network, error=error), err=True)
    click.echo(
        _(
            "New messages filed: {filed}, not for the inbox: {skipped}.",
            filed=len(report.filed),
            skipped=report.skipped,
        )
    )
    if report.filed and not no_commit:
        message = f"publisher: inbox, {len(report.filed)} new messages\n"
        sha = commit_results(opts.repo, report.files, message)
        if sha:
            click.echo(_("Recorded in commit {sha}.", sha=sha[:10]))
        if do_push:
            ws.push()
    sys.exit(EXIT_PARTIAL if report.failed_networks else EXIT_OK)


@inbox.command("status")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text")
@click.option("--issue", is_flag=True, help="Also keep a Git host issue with the overdue list.")
@click.pass_obj
@handle_errors
def inbox_status(opts: Options, fmt: str, issue: bool) -> None:
    """Open messages by deadline, overdue first, with counts by category and network."""
    import json

    from publisher.inbox.items import open_items, read_items, status_json, status_text
    from publisher.reports import plan_report as report

    ws = opts.workspace()
    filed = read_items(opts.repo)
    problems = [problem for item in filed for problem in item.problems]
    if problems:
        click.echo(report.diagnostics_text(problems), err=True)
    items = open_items(filed, ws.clock.now())
    if fmt == "json":
        click.echo(json.dumps(status_json(items), ensure_ascii=False, indent=2))
    else:
        click.echo(status_text(items, markdown=fmt == "markdown"))
    if issue:
        _post_overdue_issue(ws, status_text([i for i in items if i.overdue], True), opts.deps)
    sys.exit(EXIT_PROBLEMS if problems else EXIT_OK)


def _post_overdue_issue(ws: Any, body: str, deps: Deps) -> None:
    from publisher.forge import detect

    forge = detect(ws.env, deps.forge_transport)
    if forge is None:
        click.echo(_("Not in CI: the overdue list is not posted."), err=True)
        return
    url = forge.upsert_issue(_("Overdue citizens' messages"), body, "<!-- publisher-inbox -->")
    click.echo(_("Overdue list: {url}", url=url))


@main.command()
@click.argument("files", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_obj
@handle_errors
def style(opts: Options, files: tuple[str, ...], fmt: str) -> None:
    """Find press-release wording and bureaucratese; suggest plain words; score 0-10."""
    import json

    from publisher.content.style import lint
    from publisher.core.config import load_config
    from publisher.core.escape import one_line

    config, _problems = load_config(opts.repo)
    rules = config.style
    sources = (
        [("-", sys.stdin.read())]
        if files in ((), ("-",))
        else [(name, Path(name).read_text(encoding="utf-8")) for name in files]
    )
    reports = []
    for name, text in sources:
        body = _without_front_matter(text)
        report = lint(body, rules)
        reports.append({"file": name, **report.as_json()})
        if fmt == "text":
            for finding in report.findings:
                line = body[: finding.start].count("\n") + 1
                quoted = one_line(body[finding.start : finding.end])
                click.echo(f"{one_line(name)}:{line}: «{quoted}» — {finding.message}")
                click.echo(f"    → {finding.suggestion}")
            click.echo(_("{file}: style score {score}/10", file=name, score=report.score))
    if fmt == "json":
        click.echo(
            json.dumps(reports[0] if len(reports) == 1 else reports, ensure_ascii=False, indent=2)
        )


def _without_front_matter(text: str) -> str:
    """The body of a Markdown file with front matter, or the text itself."""
    if text.startswith("---"):
        parts = text.split("---", 2)
        if len(parts) == 3:
            return parts[2].lstrip("\n")
    return text


@main.group()
def site() -> None:
    """The static site: previews, archive, accounts, moderation, inbox, report."""


@site.command("build")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("_site"),
    show_default=True,
    help="Folder to write the site into.",
)
@click.option(
    "--personal-data",
    is_flag=True,
    help="Show authors' names and comment excerpts (never for public Pages).",
)
@click.pass_obj
@handle_errors
def site_build(opts: Options, out: Path, personal_data: bool) -> None:
    """Build the static site of the repository."""
    from publisher.reports.site import build_site

    ws = opts.workspace()
    files = build_site(ws, ws.load(), out, personal_data=personal_data)
    click.echo(_("Site written to {path}: {count} files.", path=out, count=len(files)))


@main.command("report")
@click.option("--month", default=None, help="YYYY-MM (default: the current month).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "html"]),
    default="markdown",
    show_default=True,
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write the report (and its SVG charts) into this folder instead of printing.",
)
@click.pass_obj
@handle_errors
def monthly_report_command(opts: Options, month: str | None, fmt: str, out: Path | None) -> None:
    """The monthly report: posts, formats, moderation, citizens' messages."""
    from publisher.reports.monthly import (
        current_month,
        monthly_report,
        report_html,
        report_markdown,
        write_report,
    )

    ws = opts.workspace()
    chosen = month or current_month(ws.clock.now(), ws.config.zone)
    report = monthly_report(ws, ws.load(), chosen)
    if out is not None:
        for path in write_report(report, out, fmt):
            click.echo(path)
    else:
        click.echo(report_html(report) if fmt == "html" else report_markdown(report), nl=False)
