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
import gc
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, NoReturn, ParamSpec, TypeVar

import click

from publisher.commands.exits import EXIT_OK, EXIT_PARTIAL, EXIT_PROBLEMS, published_exit
from publisher.commands.helptext import RootGroup, option
from publisher.commands.session import Deps, open_session
from publisher.core import i18n
from publisher.core.i18n import N_, _

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


@click.group(
    cls=RootGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=N_("publisher: the press service's social accounts, run from a Git repository."),
)
@option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    help=N_("Repository folder (default: the current one)."),
)
@option(
    "--sandbox",
    "sandbox",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=N_("Send every network call to the built-in sandbox kept in DIR."),
)
@option(
    "--lang",
    type=click.Choice(["ru", "en"]),
    default=None,
    help=N_("Language of messages (default: ru, or PUBLISHER_LANG)."),
)
@click.pass_context
def main(ctx: click.Context, repo: Path, sandbox: Path | None, lang: str | None) -> None:
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


@main.command(help=N_("Check posts and accounts; list every problem with its file, line and fix."))
@click.argument("paths", nargs=-1)
@option(
    "--format",
    "fmt",
    type=FORMATS_CHECK,
    default="text",
    help=N_("Output format (github-review: the style fixes as a pull request review, JSON)."),
)
@option("--strict", is_flag=True, help=N_("Treat warnings as errors."))
@option(
    "--suggest",
    is_flag=True,
    help=N_("Also offer the style fixes on the merge request as review suggestions."),
)
@click.pass_obj
@handle_errors
def check(opts: Options, paths: tuple[str, ...], fmt: str, strict: bool, suggest: bool) -> None:
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


@main.command(help=N_("Show what apply would do on each network, with each network's text."))
@option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text")
@option("--all", "show_all", is_flag=True, help=N_("Also list posts with no change."))
@option(
    "--comment",
    is_flag=True,
    help=N_("Also post the plan as the merge request's comment (updated in place)."),
)
@click.pass_obj
@handle_errors
def plan(opts: Options, fmt: str, show_all: bool, comment: bool) -> None:
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


@main.command(help=N_("Publish what the plan says, record the results and commit them."))
@option("--no-commit", is_flag=True, help=N_("Record results in files but do not commit."))
@option("--push", "do_push", is_flag=True, help=N_("Push the result commit (rebase if needed)."))
@option(
    "--skip-approval",
    is_flag=True,
    help=N_("Publish to real networks outside CI without an approved merge (recorded)."),
)
@click.pass_obj
@handle_errors
@exclusive
def apply(opts: Options, no_commit: bool, do_push: bool, skip_approval: bool) -> None:
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
    """Console entry point.

    The cyclic garbage collector looks at new objects every 50,000 of them, not Python's
    700: a run keeps tens of thousands of posts, result files and renderings to its end, and
    walking them again and again cost a cold plan of 10,000 posts 0.3 s of the 1.2 s its main
    process works (four full collections; none with these thresholds). Memory is freed as
    before: only cycles wait for a collection, and publisher makes few."""
    gc.set_threshold(50_000, 20, 10)
    main(prog_name="publisher")


@main.command(help=N_("Create a post bundle from the template, ready to edit."))
@click.argument("title")
@option("--date", "day", default=None, help=N_("Date of the post folder, YYYY-MM-DD."))
@click.pass_obj
@handle_errors
def new(opts: Options, title: str, day: str | None) -> None:
    from publisher.commands.scaffold import new_post

    path = new_post(opts.repo, title, day)
    click.echo(
        _(
            "Created {path}. Write the text, add photos next to it, open a merge request.",
            path=path.relative_to(opts.repo),
        )
    )


@main.command(help=N_("The publication history, read from git log."))
@option("--limit", default=20, show_default=True, help=N_("How many result commits to show."))
@click.pass_obj
@handle_errors
def log(opts: Options, limit: int) -> None:
    from publisher.commands.log import log_text
    from publisher.core.config import load_config

    click.echo(log_text(opts.repo, limit, load_config(opts.repo)[0].zone))


@main.command(
    help=N_("Settle a post left uncertain by an interrupted run, after looking at the network.")
)
@click.argument("post")
@click.argument("network")
@option("--url", default=None, help=N_("Link to the post found on the network."))
@option("--id", "remote_id", default=None, help=N_("Its id on the network, if the link lacks it."))
@option("--absent", is_flag=True, help=N_("The post is not on the network: publish it again."))
@click.pass_obj
@handle_errors
@exclusive
def resolve(
    opts: Options, post: str, network: str, url: str | None, remote_id: str | None, absent: bool
) -> None:
    from publisher.commands.resolve import resolve_uncertain

    if absent == bool(url or remote_id):
        fail(_("Give either --url/--id (the post is there) or --absent (it is not)."), code=2)
    ws = opts.workspace()
    path = resolve_uncertain(ws, post, network, url or "", remote_id or "", absent)
    click.echo(_("Recorded in {path}. Run publisher apply to continue.", path=path))


@main.group(help=N_("The built-in emulator of every network."))
def sandbox() -> None:
    pass


@sandbox.command("show", help=N_("Print what each emulated network shows."))
@option("--state", type=click.Path(file_okay=False, path_type=Path), required=True)
@option("--json", "as_json", is_flag=True, help=N_("Print the state as JSON."))
@handle_errors
def sandbox_show(state: Path, as_json: bool) -> None:
    from publisher.commands.sandbox import show_text

    click.echo(show_text(state, as_json))


@sandbox.command("serve", help=N_("Serve a web page showing each network's feed as published."))
@option("--state", type=click.Path(file_okay=False, path_type=Path), required=True)
@option("--port", default=8765, show_default=True)
@option("--host", default="127.0.0.1", show_default=True)
@click.pass_obj
@handle_errors
def sandbox_serve(opts: Options, state: Path, port: int, host: str) -> None:
    from werkzeug.serving import run_simple

    from publisher.core.config import load_config
    from publisher.sandbox.web import FeedPage

    zone = load_config(opts.repo)[0].timezone
    click.echo(_("Open http://{host}:{port}/ (Ctrl+C to stop).", host=host, port=port))
    run_simple(host, port, FeedPage(state, zone), use_reloader=False, threaded=True)


@main.command(
    help=N_("Run check, plan and apply on a copy of the example content against a fresh sandbox.")
)
@option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=N_("Folder for the scratch copy (default: a new temporary folder)."),
)
@click.pass_obj
@handle_errors
def demo(opts: Options, out: Path | None) -> None:
    from publisher.commands.demo import run_demo

    sys.exit(run_demo(opts.repo, out, click.echo, opts.deps.clock))


@main.group(help=N_("Account profiles: image sizes, the dynamic cover, steps taken by hand."))
def accounts() -> None:
    pass


@accounts.command(
    "fit", help=N_("Make copies of avatars and covers at the size each network wants.")
)
@click.pass_obj
@handle_errors
def accounts_fit(opts: Options) -> None:
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


@accounts.command(
    "cover", help=N_("Draw the dynamic cover (date, next events, latest posts) and upload it.")
)
@option("--upload", is_flag=True, help=N_("Also set it as the cover where the network allows."))
@click.pass_obj
@handle_errors
def accounts_cover(opts: Options, upload: bool) -> None:
    from publisher.commands.accounts import cover
    from publisher.commands.progress import Board
    from publisher.core.capabilities import network_title

    ws = opts.workspace()
    board: Board[str] = Board(
        _("Cover"),
        lambda place: [_("Uploaded to {network}.", network=network_title(place))],
        click.echo,
    )
    with board, _run_lock(opts.repo) if upload else contextlib.nullcontext():
        result = cover(ws, upload, opts.deps.forge_transport, board)
    click.echo(_("Cover drawn: {path}", path=result.path))
    for network, message in result.failed:
        warn(
            _(
                "Not uploaded to {network}: {message}",
                network=network_title(network),
                message=message,
            )
        )
    sys.exit(EXIT_PARTIAL if result.failed else EXIT_OK)


@accounts.command(
    "manual", help=N_("Profile fields no API can set, waiting for a person (until accounts done).")
)
@option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text")
@option("--issue", is_flag=True, help=N_("Also keep a Git host issue listing the steps."))
@click.pass_obj
@handle_errors
def accounts_manual(opts: Options, fmt: str, issue: bool) -> None:
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


@accounts.command(
    "done",
    help=N_(
        "Confirm that you set these profile fields by hand (title, description, website, "
        "avatar, cover); recorded in a commit that names you."
    ),
)
@click.argument("account")
@click.argument("fields", nargs=-1, required=True)
@click.pass_obj
@handle_errors
@exclusive
def accounts_done(opts: Options, account: str, fields: tuple[str, ...]) -> None:
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


@accounts.command(
    "audit",
    help=N_(
        "Check each account against the recommendations for official pages: contacts, the "
        "site, images, the state mark, messages, comments, how often it posts."
    ),
)
@option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@option("--no-commit", is_flag=True, help=N_("Write the file but do not commit it."))
@option("--push", "do_push", is_flag=True, help=N_("Push the commit."))
@click.pass_obj
@handle_errors
@exclusive
def accounts_audit(opts: Options, fmt: str, no_commit: bool, do_push: bool) -> None:
    import json

    from publisher.commands.accounts import audit
    from publisher.reports.plan_report import check_summary, diagnostic_dict, diagnostics_text

    audited = audit(opts.workspace(), commit=not no_commit, push=do_push)
    findings = audited.report.findings
    if fmt == "json":
        click.echo(json.dumps([diagnostic_dict(d) for d in findings], ensure_ascii=False, indent=2))
    else:
        if findings:
            click.echo(diagnostics_text(findings))
        click.echo(check_summary(findings))
        click.echo(_("Recorded in {path}.", path=audited.path))
    sys.exit(EXIT_PROBLEMS if audited.report.errors else EXIT_OK)


@main.group(
    invoke_without_command=True,
    help=N_("Read new comments, remove what the rules forbid, ban repeat offenders, log it."),
)
@option("--dry-run", is_flag=True, help=N_("Only show the decisions; change nothing."))
@option("--no-commit", is_flag=True, help=N_("Write the log but do not commit it."))
@option("--push", "do_push", is_flag=True, help=N_("Push the log commit."))
@option(
    "--issue", is_flag=True, help=N_("Also keep a Git host issue listing the comments to decide.")
)
@click.pass_context
def moderate(
    ctx: click.Context, dry_run: bool, no_commit: bool, do_push: bool, issue: bool
) -> None:
    if ctx.invoked_subcommand is None:
        _moderate(ctx.obj, dry_run, no_commit, do_push, issue)


@handle_errors
@exclusive
def _moderate(opts: Options, dry_run: bool, no_commit: bool, do_push: bool, issue: bool) -> None:
    from publisher.commands.moderate import post_review_issue, sweep
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
    if issue and not dry_run:
        url = post_review_issue(opts.workspace(), opts.deps.forge_transport)
        if url is None:
            warn(_("Not in CI or nothing filed: the comments to decide are not posted."))
        else:
            click.echo(_("Comments to decide: {url}", url=url))
    sys.exit(EXIT_PARTIAL if report.failed_accounts else EXIT_OK)


def _closed(board: Board[Any], summary: str) -> None:
    """Take the bar off the terminal, then print the summary under the lines."""
    board.close()
    click.echo(summary)


@moderate.command(
    "restore", help=N_("Undo a removal where the network allows it, and lift the author's ban.")
)
@click.argument("log_id")
@click.pass_obj
@handle_errors
@exclusive
def moderate_restore(opts: Options, log_id: str) -> None:
    from publisher.commands.moderate import restore
    from publisher.engine.workspace import Restored

    def shown(restored: Restored) -> None:
        for entry in restored.done:
            click.echo(_("Done: {entry}", entry=entry))
        for step in restored.manual:
            click.echo(f"→ {step}")

    restore(opts.workspace(), log_id, shown)


@main.group(help=N_("Tools for tuning the moderation rules."))
def moderation() -> None:
    pass


@moderation.command(
    "classify", help=N_("Read comments one per line on stdin; print one JSON decision per line.")
)
@click.pass_obj
@handle_errors
def moderation_classify(opts: Options) -> None:
    from publisher.commands.classify import classify

    for decision in classify(opts.repo, sys.stdin):
        click.echo(decision)


@sandbox.command("comment", help=N_("Add a citizen's comment (or direct message) in the sandbox."))
@option("--state", type=click.Path(file_okay=False, path_type=Path), required=True)
@option("--network", required=True, help=N_("vk, telegram, ok, max, facebook, instagram, x"))
@option("--post", "post_id", default="", help=N_("The post's id as sandbox show lists it."))
@option("--author", default="Житель", show_default=True)
@option("--author-id", default="", help=N_("The author's user id (default: from the name)."))
@option("--text", required=True)
@option("--direct", is_flag=True, help=N_("A direct message to the account instead."))
@handle_errors
def sandbox_comment(
    state: Path, network: str, post_id: str, author: str, author_id: str, text: str, direct: bool
) -> None:
    from publisher.commands.sandbox import add_comment
    from publisher.core.capabilities import network_title
    from publisher.sandbox.app import EMULATORS

    if network not in EMULATORS:
        fail(_("Unknown network '{name}'.", name=network), code=2)
    try:
        comment = add_comment(state, network, post_id, text, author, author_id, direct)
    except (ValueError, NotImplementedError, KeyError) as exc:
        fail(str(exc))
    click.echo(_("Comment {id} added on {network}.", id=comment, network=network_title(network)))


@main.group(help=N_("Contests: check a draw, show the winners to the operator."))
def contest() -> None:
    pass


@contest.command(
    "verify", help=N_("Draw a contest again from its file and the Git history; compare.")
)
@click.argument("post")
@click.pass_obj
@handle_errors
def contest_verify(opts: Options, post: str) -> None:
    from publisher.commands.contest import find_post, verification_text
    from publisher.engine.contest_verify import verify_contest

    ws = opts.workspace()
    found_post = find_post(ws.load(), post)
    post_id = found_post.id if found_post else post.strip().removesuffix("/")
    found = verify_contest(ws.repo, post_id, found_post.path if found_post else "")
    click.echo(verification_text(post_id, found))
    sys.exit(EXIT_OK if found.holds else EXIT_PROBLEMS)


@contest.command(
    "winners",
    help=N_("Show the winners' names and links (read with the token; written nowhere)."),
)
@click.argument("post")
@click.pass_obj
@handle_errors
def contest_winners(opts: Options, post: str) -> None:
    from publisher.commands.contest import require_post, winners_text

    ws = opts.workspace()
    content = ws.load()
    click.echo(winners_text(ws, content, require_post(content, post)))


@main.group(help=N_("Live broadcasts: the stream key for the broadcaster, the end of a broadcast."))
def live() -> None:
    pass


@live.command(
    "key",
    help=N_("Print a broadcast's server and stream key to this terminal (never run it in CI)."),
)
@click.argument("post")
@option("--account", default=None, help=N_("Only this account's broadcast."))
@click.pass_obj
@handle_errors
def live_key(opts: Options, post: str, account: str | None) -> None:
    from publisher.commands.live import key_text

    ws = opts.workspace()
    click.echo(key_text(ws, ws.load(), post, account))


@live.command("done", help=N_("End a post's broadcasts; the next apply records their links."))
@click.argument("post")
@click.pass_obj
@handle_errors
def live_done(opts: Options, post: str) -> None:
    from publisher.commands.live import end_broadcasts

    ws = opts.workspace()
    for account in end_broadcasts(ws, ws.load(), post):
        click.echo(
            _("Broadcast on {account} ended; apply records it at its next run.", account=account)
        )


@main.group(help=N_("Citizens' messages: file them with a deadline, see what is due."))
def inbox() -> None:
    pass


@inbox.command(
    "collect", help=N_("File new questions, requests and complaints as content/inbox/... files.")
)
@option("--no-commit", is_flag=True, help=N_("Write the files but do not commit them."))
@option("--push", "do_push", is_flag=True, help=N_("Push the commit."))
@click.pass_obj
@handle_errors
@exclusive
def inbox_collect(opts: Options, no_commit: bool, do_push: bool) -> None:
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


@inbox.command(
    "status",
    help=N_("Open messages by deadline, overdue first, with counts by category and network."),
)
@option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text")
@option("--issue", is_flag=True, help=N_("Also keep a Git host issue with the overdue list."))
@click.pass_obj
@handle_errors
def inbox_status(opts: Options, fmt: str, issue: bool) -> None:
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


@inbox.command(
    "done",
    help=N_(
        "Confirm that you sent the answer written in this message's file by hand; recorded in "
        "a commit that names you, and the message is marked answered."
    ),
)
@click.argument("file")
@click.pass_obj
@handle_errors
@exclusive
def inbox_done(opts: Options, file: str) -> None:
    from publisher.commands.inbox import confirm_answered

    recorded = confirm_answered(opts.workspace(), file)
    where = ", ".join(recorded.files)
    if recorded.commit:
        click.echo(
            _(
                "Recorded in {path}, commit {sha}. Merge it like any change.",
                path=where,
                sha=recorded.commit[:10],
            )
        )
    else:
        click.echo(_("Recorded in {path}.", path=where))


@main.group(help=N_("Reach figures: views, reactions, reposts, comments and followers."))
def stats() -> None:
    pass


@stats.command(
    "collect", help=N_("Read each network's figures of the recorded posts into stats/YYYY-MM.yml.")
)
@option("--no-commit", is_flag=True, help=N_("Write the file but do not commit it."))
@option("--push", "do_push", is_flag=True, help=N_("Push the commit."))
@click.pass_obj
@handle_errors
@exclusive
def stats_collect(opts: Options, no_commit: bool, do_push: bool) -> None:
    from publisher.commands.progress import Board
    from publisher.commands.stats import collect
    from publisher.engine.stats import StatsReport

    board: Board[str] = Board(
        _("Figures"), lambda name: [_("Read {account}", account=name)], click.echo
    )

    def shown(report: StatsReport) -> None:
        board.close()
        if report.damaged:
            warn(
                _(
                    "stats/{month}.yml was edited by hand and could not be read whole: it is "
                    "written anew from what could be read and from this run.",
                    month=report.month,
                )
            )
        for account, gaps in sorted(report.gaps.items()):
            for gap in dict.fromkeys(gaps):
                click.echo(
                    _("{account}: no data: {reason}", account=report.title(account), reason=gap)
                )
        for post, account in report.gone:
            gone = _(
                "{account}: post {post} is no longer on the network",
                account=report.title(account),
                post=post,
            )
            click.echo(gone)
        for account, error in sorted(report.failed.items()):
            warn(
                _(
                    "{account}: figures not read: {error}",
                    account=report.title(account),
                    error=error,
                )
            )
        click.echo(
            _(
                "Figures read: {posts} posts on {accounts} accounts; written to {path}.",
                posts=report.posts,
                accounts=len(report.accounts),
                path=", ".join(report.files),
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
    sys.exit(EXIT_PARTIAL if report.failed else EXIT_OK)


@main.command(
    help=N_("Find press-release wording and bureaucratese; suggest plain words; score 0-10.")
)
@click.argument("files", nargs=-1)
@option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_obj
@handle_errors
def style(opts: Options, files: tuple[str, ...], fmt: str) -> None:
    from publisher.commands.style import lint_files, style_output

    click.echo(style_output(lint_files(opts.repo, files, sys.stdin), fmt))


@main.group(help=N_("The static site: previews, archive, accounts, moderation, inbox, report."))
def site() -> None:
    pass


@site.command("build", help=N_("Build the static site of the repository."))
@option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("_site"),
    show_default=True,
    help=N_("Folder to write the site into."),
)
@option(
    "--personal-data",
    is_flag=True,
    help=N_("Show authors' names and comment excerpts (never for public Pages)."),
)
@click.pass_obj
@handle_errors
def site_build(opts: Options, out: Path, personal_data: bool) -> None:
    from publisher.commands.progress import Board
    from publisher.reports.site import build_site

    ws = opts.workspace()
    board: Board[Path] = Board(_("Site"), lambda page: [_("Written {path}", path=page)], click.echo)
    with board:
        files = build_site(ws, ws.load(), out, personal_data=personal_data, watch=board)
    click.echo(_("Site written to {path}: {count} files.", path=out, count=len(files)))


@main.command(
    "report", help=N_("The monthly report: posts, formats, moderation, citizens' messages.")
)
@option("--month", default=None, help=N_("YYYY-MM (default: the current month)."))
@option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "html"]),
    default="markdown",
    show_default=True,
)
@option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=N_("Write the report (and its SVG charts) into this folder instead of printing."),
)
@click.pass_obj
@handle_errors
def monthly_report_command(opts: Options, month: str | None, fmt: str, out: Path | None) -> None:
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
