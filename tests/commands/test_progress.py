"""Long commands show their work as it happens: a line per action, once, in completion order,
before the summary; a bar on a terminal; whole lines whatever the threads do."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable
from pathlib import Path

from conftest import Publisher
from rich.console import Console

from publisher.commands.apply import ApplyPrinter
from publisher.commands.progress import MB, Board
from publisher.commands.session import Deps, open_session
from publisher.core.progress import Watch, counting_sent, note_sent, upload_counter
from publisher.engine.publish import PublishOptions, publish

POST = "---\ntitle: {title}\nnetworks: [vk, telegram]\nstatus: ready\n---\n\n{text}\n"


def test_apply_prints_each_action_once_before_the_summary(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    files: dict[str, str | bytes] = {
        f"content/post-{n}.md": POST.format(title=f"Новость {n}", text=f"Текст {n}.")
        for n in range(3)
    }
    run = publisher(make_repo(files))

    applied = run("apply")

    assert applied.exit_code == 0, applied.output
    lines = applied.output.splitlines()
    summary = lines.index("Готово: 8, не удалось: 0.")  # 3 posts and a profile, on 2 networks
    actions = [line for line in lines if line.startswith("✓ ")]
    assert len(actions) == 8 and len(set(actions)) == 8, "each action once"
    assert all(lines.index(line) < summary for line in actions), "before the summary"
    for n in range(3):
        assert sum(f": post-{n}" in line for line in actions) == 2  # vk and telegram


def test_the_watch_hears_actions_in_the_order_they_complete(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    """The lines are printed as the results come, not sorted at the end: the printer hears
    every result before ``applied``, and prints only the summary then."""
    heard: list[str] = []
    printer = ApplyPrinter(heard.append, heard.append)
    printer.actions = lambda plan: _Recorder(heard)  # type: ignore[method-assign]
    run = publisher(make_repo({"content/a.md": POST.format(title="А", text="Текст.")}))
    ws = open_session(run.repo, run.state, Deps(run.clock, {}))

    report = publish(ws, PublishOptions(commit=False), printer)

    told = [line for line in heard if line.startswith("result ")]
    assert len(told) == len(report.outcome.results) > 0
    assert heard.index(told[-1]) < next(
        i for i, line in enumerate(heard) if line.startswith("Готово:")
    )


class _Recorder(Watch[object]):
    def __init__(self, heard: list[str]) -> None:
        self.heard = heard

    def item(self, item: object) -> None:
        self.heard.append(f"result {item}")


def test_lines_from_many_threads_never_interleave() -> None:
    """Accounts run in parallel; a line written in pieces by one thread is never cut by
    another's (the echo here yields between pieces, as a slow terminal would)."""
    out: list[str] = []

    def slow_echo(line: str) -> None:
        for piece in (line[:5], line[5:], "\n"):
            out.append(piece)
            time.sleep(0)

    board: Board[str] = Board("t", lambda item: [item * 3], slow_echo, _plain())
    board.begin(0)
    expected = {f"account-{t}:{n:03d}|" * 3 for t in range(6) for n in range(50)}

    def work(t: int) -> None:
        for n in range(50):
            board.item(f"account-{t}:{n:03d}|")
            board.advance()

    threads = [threading.Thread(target=work, args=(t,)) for t in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    lines = "".join(out).splitlines()
    assert sorted(lines) == sorted(expected)


def test_a_terminal_shows_the_bar_and_the_summary_stays_whole() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=100, color_system=None)
    printed: list[str] = []
    with Board("Публикация", lambda item: [f"✓ {item}"], printed.append, console) as board:
        board.begin(3)
        for name in ("vk", "telegram", "ok"):
            board.item(name)
            board.advance()
        console.print("")  # a refresh with the bar drawn
    console.print("Готово: 3, не удалось: 0.")

    screen = buffer.getvalue()
    assert printed == [], "on a terminal the lines go above the bar, not through echo"
    for name in ("vk", "telegram", "ok"):
        assert screen.count(f"✓ {name}") == 1
    assert "Публикация" in screen and "3 из 3" in screen and "━" in screen
    assert screen.rstrip().endswith("Готово: 3, не удалось: 0."), "the bar is gone before it"


def test_without_a_terminal_there_is_no_bar() -> None:
    printed: list[str] = []
    with Board("Публикация", lambda item: [f"✓ {item}"], printed.append, _plain()) as board:
        board.begin(2)
        board.item("vk")
        board.advance()
    assert printed == ["✓ vk"]


def test_a_large_upload_is_told_in_quarters_without_a_terminal() -> None:
    printed: list[str] = []
    board: Board[str] = Board("t", lambda item: [item], printed.append, _plain())
    count = upload_counter(board, "vk: video", 100 * MB)
    with counting_sent(count):
        for _chunk in range(10):
            note_sent(10 * MB)
    note_sent(10 * MB)  # outside the block: nobody counts it

    assert printed == [
        "vk: video: отправлено 30 из 100 МБ",
        "vk: video: отправлено 50 из 100 МБ",
        "vk: video: отправлено 80 из 100 МБ",
        "vk: video: отправлено 100 из 100 МБ",
    ]


def test_a_large_upload_has_its_own_row_on_a_terminal() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=100, color_system=None)
    with Board("Публикация", lambda item: [item], lambda _line: None, console) as board:
        board.begin(1)
        board.sent("vk: video", 40 * MB, 100 * MB)
        console.print("")
    assert "vk: video" in buffer.getvalue() and "40 из 100 МБ" in buffer.getvalue()


def _plain() -> Console:
    return Console(file=io.StringIO(), force_terminal=False)
