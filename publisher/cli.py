"""The ``publisher`` command: parse options, call the library, print, map errors to exit codes.

Exit codes:
    0  done (or nothing to do)
    1  content, config or approval problems (nothing was published for the broken posts)
    2  usage error (click's own)
    3  partial apply: some actions failed; they are recorded and the next run retries them
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, NoReturn, ParamSpec, TypeVar

import click

from publisher.commands.exits import EXIT_OK, EXIT_PARTIAL, EXIT_PROBLEMS, published_exit
from publisher.commands.session import Deps, open_session
from publisher.core import i18n
from publisher.core.i18n import _

if TYPE_CHECKING:  # the library loads only in the command that uses it (``--help`` stays fast)
    from publisher.commands.check import Offered
    from publisher.commands.plan import Posted
    from publisher.commands.progress import Board
    from publisher.engine.workspace import Workspace

__all__ = ["Deps", "main", "run"]

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class Options:
    """Global options of one invocation."""

    repo: Path
    sandbox: Path | None
    deps: Deps

    def workspace(self) -> Workspace:
        return open_session(self.repo, self.sandbox, self.deps)


def fail(message: str, hint: str = "", code: int = EXIT_PROBLEMS) -> NoReturn:
    """Print the error (printable only: it may quote a file or a network) and exit."""
    from publisher.core.escape import printable

    click.echo(_("Error: {message}", message=printable(message)), err=True)
    if hint:
        click.echo(f"→ {printable(hint)}", err=True)
    sys.exit(code)


def warn(message: str) -> None:
    click.echo(message, err=True)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn our errors into a message and an exit code; never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        from publisher.core.errors import PublisherError
        from publisher.core.redact import redact

        try:
            return func(*args, **kwargs)
        except PublisherError as exc:
            fail(redact(exc.message), redact(exc.hint))
        except OSError as exc:
            fail(redact(f"{exc.strerror or exc}: {exc.filename or ''}".strip(": ")))

    return wrapper


def exclusive(func: Callable[Concatenate[Options, P], R]) -> Callable[Concatenate[Options, P], R]:
    """Run the command under the clone's run lock (``engine.lock``): commands that post or
    write result files never run twice at once in one clone."""

    @functools.wraps(func)
    def wrapper(opts: Options, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with _run_lock(opts.repo):
            return func(opts, *args, **kwargs)

    return wrapper


def _run_lock(repo: Path) -> contextlib.AbstractContextManager[None]:
    from publisher.engine.lock import run_lock

    def waiting() -> None:
        warn(_("Another publisher run is going on in this folder; waiting for it to end."))

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


FORMATS_CHECK = click.Choice(["text", "github", "github-review", "json"])


@main.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=FORMATS_CHECK,
    default="text",
    help="Output format (github-review: the style fixes as a pull request review, JSON).",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--suggest",
    is_flag=True,
    help="Also offer the style fixes on the merge request as review suggestions.",
)
@click.pass_obj
@handle_errors
def check(opts: Options, paths: tuple[str, ...], fmt: str, strict: bool, suggest: bool) -> None:
    """Check posts and accounts; list every problem with its file, line and fix."""
    from publisher.commands.check import check_files, check_output, offer_fixes

    ws = opts.workspace()
    checked = check_files(ws, paths, strict)
    click.echo(check_output(ws, checked, fmt))
    if suggest:
        _tell_offered(offer_fixes(ws, checked, opts.deps.forge_transport))
    sys.exit(EXIT_PROBLEMS if checked.result.errors else EXIT_OK)


def _tell_offered(offered: Offered) -> None:
    """What became of the style suggestions; a fork's read-only token only earns a warning."""
    if offered.outside:
        warn(_("Not in a merge request's CI job: the style fixes are not offered."))
    elif offered.refused:
        warn(_("Warning: the style suggestions were not posted: {error}", error=offered.refused))
    elif offered.suggested is not None:
        done = offered.suggested
        told = _(
            "Style suggestions: {posted} posted, {already} posted before, {outside} on lines "
            "the request does not add. {url}",
            posted=done.posted,
            already=done.already,
            outside=done.outside_diff,
            url=done.url,
        )
        warn(told.strip())


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
    from publisher.commands.plan import make_plan, post_plan_comment

    ws = opts.workspace()
    planned = make_plan(ws, preview=fmt != "json" and not show_all)  # these show unchanged posts
    click.echo(planned.output(fmt, show_noop=show_all))
    if comment:
        _tell_posted(post_plan_comment(ws, planned, opts.deps.forge_transport))
    sys.exit(EXIT_PROBLEMS if planned.check.errors else EXIT_OK)


def _tell_posted(posted: Posted) -> None:
    """Where the plan comment went; a fork's read-only token only earns a warning."""
    if posted.outside:
        warn(_("Not in a merge request's CI job: the plan is not posted."))
    elif posted.refused:
        warn(_("Warning: the plan comment was not posted: {error}", error=posted.refused))
    else:
        warn(_("Plan posted to the merge request. {url}", url=posted.url).strip())


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
    from publisher.commands.apply import ApplyPrinter
    from publisher.engine.publish import PublishOptions, publish

    options = PublishOptions(
        commit=not no_commit,
        push=do_push,
        skip_approval=skip_approval,
        forge_transport=opts.deps.forge_transport,
    )
    printer = ApplyPrinter(click.echo, warn)
    try:
        report = publish(opts.workspace(), options, printer)
    finally:
        printer.close()
    if report.pushed:
        click.echo(_("Pushed."))
    sys.exit(published_exit(report))


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
    from publisher.commands.log import log_text

    click.echo(log_text(opts.repo, limit))


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
    from publisher.commands.sandbox import show_text

    click.echo(show_text(state, as_json))


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
    """Account profiles: image sizes, the dynamic cover, steps taken by hand."""


@accounts.command("fit")
@click.pass_obj
@handle_errors
def accounts_fit(opts: Options) -> None:
    """Make copies of avatars and covers at the size each network wants."""
    from publisher.commands.accounts import fit_images, fit_report

    ws = opts.workspace()
    made = fit_images(ws, ws.load())
    if not made:
        click.echo(_("Every avatar and cover already has a size its network takes."))
    for item in made:
        if item.fit.too_small:
            warn(fit_report(item))
        else:
            click.echo(fit_report(item))
    if any(item.fit.too_small for item in made):
        sys.exit(EXIT_PROBLEMS)


@accounts.command("cover")
@click.option("--upload", is_flag=True, help="Also set it as the cover where the network allows.")
@click.pass_obj
@handle_errors
def accounts_cover(opts: Options, upload: bool) -> None:
    """Draw the dynamic cover (date, next events, latest posts) and upload it."""
    from publisher.commands.accounts import cover
    from publisher.commands.progress import Board

    ws = opts.workspace()
    board: Board[str] = Board(
        _("Cover"), lambda place: [_("Uploaded to {network}.", network=place)], click.echo
    )
    with board, _run_lock(opts.repo) if upload else contextlib.nullcontext():
        result = cover(ws, upload, opts.deps.forge_transport, board)
    click.echo(_("Cover drawn: {path}", path=result.path))
    for network, message in result.failed:
        warn(_("Not uploaded to {network}: {message}", network=network, message=message))
    sys.exit(EXIT_PARTIAL if result.failed else EXIT_OK)


@accounts.command("manual")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text")
@click.option("--issue", is_flag=True, help="Also keep a Git host issue listing the steps.")
@click.pass_obj
@handle_errors
def accounts_manual(opts: Options, fmt: str, issue: bool) -> None:
    """Profile fields no API can set, waiting for a person (until accounts done)."""
    from publisher.commands.accounts import manual_steps, post_manual_issue

    ws = opts.workspace()
    steps = manual_steps(ws)
    click.echo(steps.output(fmt))
    if issue:
        url = post_manual_issue(ws, steps, opts.deps.forge_transport)
        if url is None:
            warn(_("Not in CI: the list of steps is not posted."))
        else:
            click.echo(_("Steps to take by hand: {url}", url=url))


@accounts.command("done")
@click.argument("account")
@click.argument("fields", nargs=-1, required=True)
@click.pass_obj
@handle_errors
@exclusive
def accounts_done(opts: Options, account: str, fields: tuple[str, ...]) -> None:
    """Confirm that you set these profile fields by hand (title, description, website, avatar,
    cover); recorded in a commit that names you."""
    from publisher.commands.accounts import confirm_done

    confirmed = confirm_done(opts.workspace(), account, fields)
    if confirmed.commit:
        click.echo(
            _(
                "Recorded in {path}, commit {sha}. Merge it like any change.",
                path=confirmed.path,
                sha=confirmed.commit[:10],
            )
        )
    else:
        click.echo(_("Recorded in {path}.", path=confirmed.path))


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
    from publisher.commands.moderate import sweep
    from publisher.commands.progress import Board
    from publisher.moderation.report import outcome_lines, sweep_summary

    with Board(_("Moderation"), outcome_lines, click.echo) as board:
        report = sweep(
            opts.workspace(),
            dry_run=dry_run,
            commit=not no_commit,
            push=do_push,
            forge_transport=opts.deps.forge_transport,
            shown=lambda swept: _closed(board, sweep_summary(swept, dry_run)),
            committed=lambda sha: click.echo(_("Log recorded in commit {sha}.", sha=sha[:10])),
            watch=board,
        )
    sys.exit(EXIT_PARTIAL if report.failed_accounts else EXIT_OK)


def _closed(board: Board[Any], summary: str) -> None:
    """Take the bar off the terminal, then print the summary under the lines."""
    board.close()
    click.echo(summary)


@moderate.command("restore")
@click.argument("log_id")
@click.pass_obj
@handle_errors
@exclusive
def moderate_restore(opts: Options, log_id: str) -> None:
    """Undo a removal where the network allows it, and lift the author's ban."""
    from publisher.commands.moderate import restore
    from publisher.engine.workspace import Restored

    def shown(restored: Restored) -> None:
        for entry in restored.done:
            click.echo(_("Done: {entry}", entry=entry))
        for step in restored.manual:
            click.echo(f"→ {step}")

    restore(opts.workspace(), log_id, shown)


@main.group()
def moderation() -> None:
    """Tools for tuning the moderation rules."""


@moderation.command("classify")
@click.pass_obj
@handle_errors
def moderation_classify(opts: Options) -> None:
    """Read comments one per line on stdin; print one JSON decision per line."""
    from publisher.commands.classify import classify

    for decision in classify(opts.repo, sys.stdin):
        click.echo(decision)


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
    from publisher.commands.sandbox import add_comment
    from publisher.sandbox.app import EMULATORS

    if network not in EMULATORS:
        fail(_("Unknown network '{name}'.", name=network), code=2)
    try:
        comment = add_comment(state, network, post_id, text, author, author_id, direct)
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
    from publisher.commands.inbox import collect
    from publisher.commands.progress import Board
    from publisher.inbox.items import CollectReport

    board: Board[str] = Board(_("Inbox"), lambda path: [_("Filed {path}", path=path)], click.echo)

    def shown(report: CollectReport) -> None:
        board.close()
        for account, error in report.failed_accounts.items():
            warn(_("{account}: not read: {error}", account=account, error=error))
        click.echo(
            _(
                "New messages filed: {filed}, not for the inbox: {skipped}.",
                filed=len(report.filed),
                skipped=report.skipped,
            )
        )

    with board:
        report = collect(
            opts.workspace(),
            commit=not no_commit,
            push=do_push,
            shown=shown,
            committed=lambda sha: click.echo(_("Recorded in commit {sha}.", sha=sha[:10])),
            watch=board,
        )
    sys.exit(EXIT_PARTIAL if report.failed_accounts else EXIT_OK)


@inbox.command("status")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text")
@click.option("--issue", is_flag=True, help="Also keep a Git host issue with the overdue list.")
@click.pass_obj
@handle_errors
def inbox_status(opts: Options, fmt: str, issue: bool) -> None:
    """Open messages by deadline, overdue first, with counts by category and network."""
    from publisher.commands.inbox import post_overdue_issue, read_status
    from publisher.reports.plan_report import diagnostics_text

    ws = opts.workspace()
    status = read_status(ws)
    if status.problems:
        warn(diagnostics_text(status.problems))
    click.echo(status.output(fmt))
    if issue:
        url = post_overdue_issue(ws, status, opts.deps.forge_transport)
        if url is None:
            warn(_("Not in CI: the overdue list is not posted."))
        else:
            click.echo(_("Overdue list: {url}", url=url))
    sys.exit(EXIT_PROBLEMS if status.problems else EXIT_OK)


@main.command()
@click.argument("files", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_obj
@handle_errors
def style(opts: Options, files: tuple[str, ...], fmt: str) -> None:
    """Find press-release wording and bureaucratese; suggest plain words; score 0-10."""
    from publisher.commands.style import lint_files, style_output

    click.echo(style_output(lint_files(opts.repo, files, sys.stdin), fmt))


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
    from publisher.commands.progress import Board
    from publisher.reports.site import build_site

    ws = opts.workspace()
    board: Board[Path] = Board(_("Site"), lambda page: [_("Written {path}", path=page)], click.echo)
    with board:
        files = build_site(ws, ws.load(), out, personal_data=personal_data, watch=board)
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
