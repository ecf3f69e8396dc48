"""Injection: text a person or a citizen wrote cannot change the structure of what publisher
writes — the pull-request comment, the HTML sent to Telegram and Max, result commits and
``publisher log``, the terminal, inbox files.

Each test is the attack: a malicious post, name or commit goes through the real command or
library call, and the assertion is on the actual output.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import frontmatter
import git
import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import Sandboxes, write_files
from markdown_it import MarkdownIt

from publisher.cli import Deps, main
from publisher.core.model import Action, ActionKind, RemoteRef
from publisher.engine.apply import ApplyReport, Outcome, Provenance
from publisher.engine.apply import Result as ApplyResult
from publisher.inbox.items import read_items, set_status
from publisher.sandbox.app import Sandbox
from publisher.sandbox.telegram import parse_html
from publisher.state.repo import commit_results

MAX_ACCOUNT = "---\nnetwork: max\nid: '-7001'\ntoken_env: MAX_TOKEN\n---\nКанал\n"

#: raw HTML and links a post's Markdown may carry
HOSTILE_BODY = """Новости района.

<script>alert(1)</script>
<a href="javascript:alert(2)">Подробнее</a> и [ещё](javascript:alert(3)).
Жирное <b>без конца и <i>вперемешку</b> курсив</i>.
<img src=x onerror=alert(4)> <iframe src="https://evil.example"></iframe>
[Сайт](https://example.org) и <a href="data:text/html,x">данные</a>.

> Цитата
>
> > во вложенной цитате <blockquote>и ещё</blockquote>
"""

#: everything that could restructure a Markdown comment or ping someone
HOSTILE_TEXT = (
    "</details>\n\n# Взлом @everyone #1 [жми](javascript:alert(1)) "
    "<img src=x onerror=alert(1)> | колонка | ``` ~~~"
)


class Cli:
    def __init__(self, repo: Path, sandboxes: Sandboxes) -> None:
        self.repo, self.sandboxes = repo, sandboxes
        self.state, self.clock = sandboxes.state, sandboxes.clock

    def __call__(self, *args: str, sandbox: bool = True) -> Result:
        prefix = ["--repo", str(self.repo)] + (["--sandbox", str(self.state)] if sandbox else [])
        return CliRunner().invoke(main, [*prefix, *args], obj=Deps(self.clock, {}))

    @property
    def box(self) -> Sandbox:
        return self.sandboxes()


@pytest.fixture
def cli(make_repo: Callable[..., Path], sandboxes: Sandboxes) -> Callable[..., Cli]:
    def build(files: dict[str, str | bytes]) -> Cli:
        return Cli(make_repo(files), sandboxes)

    return build


# --- Telegram and Max HTML ---------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.hrefs += [value or "" for name, value in attrs if name == "href"]


def _markup(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def test_raw_html_in_a_post_reaches_telegram_and_max_only_as_their_allowed_markup(
    cli: Callable[..., Cli],
) -> None:
    run = cli(
        {
            "accounts/max.md": MAX_ACCOUNT,
            "publisher.yml": "timezone: Europe/Moscow\ndefault_networks: [telegram, max]\n",
            "content/news.md": f"---\ntitle: Новости\n---\n{HOSTILE_BODY}",
        }
    )
    planned = run("plan", "--format", "json")
    applied = run("apply")
    assert applied.exit_code == 0, applied.output  # Telegram refuses unbalanced or unknown tags
    actions = json.loads(planned.output)["actions"]
    lengths = {a["network"]: a["length"] for a in actions if a["action"] == "create"}
    shown = run.box.show()
    telegram = shown["telegram"]["posts"][0]
    max_post = shown["max"]["posts"][0]
    allowed = {
        "telegram": {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code"}
        | {"pre", "blockquote", "tg-spoiler"},
        "max": {"b", "strong", "i", "em", "u", "ins", "s", "del", "a", "code", "pre", "mark"},
    }
    for network, post in (("telegram", telegram), ("max", max_post)):
        html = str(post["html"])
        markup = _markup(html)
        assert markup.tags <= allowed[network], html
        assert markup.hrefs == ["https://example.org"], html
        for gone in ("alert", "javascript", "<script", "<img", "<iframe", "data:"):
            assert gone not in html.lower()
        assert "Подробнее" in post["text"] and "ещё" in post["text"], "link labels are kept"
        # the length the plan promised is what the network counts of what it received
        counted = html if network == "max" else str(post["text"])  # Max counts the markup
        assert lengths[network] == len(counted.encode("utf-16-le")) // 2
    assert parse_html(str(telegram["html"])) == telegram["text"]  # balanced, as Telegram reads it
    assert str(telegram["html"]).count("<blockquote>") == 1, "Telegram refuses nested quotes"


# --- the pull-request comment ------------------------------------------------------------------


def _outside_code(html: str) -> str:
    return re.sub(r"<pre>.*?</pre>|<code>.*?</code>", "", html, flags=re.DOTALL)


def test_a_post_cannot_restructure_the_plan_comment_or_ping_anyone(
    cli: Callable[..., Cli],
) -> None:
    question = HOSTILE_TEXT.replace("\n", "\\n")
    run = cli(
        {
            "content/poll.md": (
                "---\ntitle: Опрос\nnetworks: [vk]\npoll:\n"
                f'  question: "{question}"\n'
                '  options: ["@mayor", "[a](javascript:x)"]\n---\n\n'
                "Текст с кодом:\n\n    </details>\n    # Заголовок @mayor\n    ````\n"
            ),
            "content/broken.md": '---\ntitle: Сломано\n"@everyone </details> # x": 1\n---\nТекст\n',
        }
    )
    comment = run("plan", "--format", "markdown").output
    html = MarkdownIt("commonmark").enable("table").render(comment)

    sections = comment.count("\n<details><summary>")  # the post's text, warnings, style
    assert html.count("<details>") == html.count("</details>") == sections >= 3
    outside = _outside_code(html)
    assert not re.search(r"<h[12]|<img|<script|<a ", outside), outside
    assert not re.search(r"@\w|#\d", outside), "no mention or issue reference outside code"
    assert "Неизвестное поле" in outside or "Unknown field" in outside  # the problem is listed
    # the officer still reads the published text exactly, inside the code block
    assert "</details>\n# Заголовок @mayor\n````" in html.replace("&lt;", "<").replace("&gt;", ">")
    assert html.count("<td>") == 5 * (html.count("<tr>") - 1), "five cells in every row"


# --- result commits, publisher log, the terminal -----------------------------------------------


def test_a_post_id_or_approver_name_cannot_add_a_commit_trailer(
    make_repo: Callable[..., Path],
) -> None:
    from publisher.engine.approval import Approvals
    from publisher.engine.workspace import commit_message

    repo = make_repo({"content/news.md": "---\ntitle: T\n---\nТекст\n"})
    forged = "news\n\nApproved-by: Mayor\nApproval: https://evil.example/1"
    action = Action(ActionKind.CREATE, forged, "vk", result_file_path="content/news.published.yml")
    report = ApplyReport([ApplyResult(action, Outcome.DONE, RemoteRef("vk", "1", "https://vk/1"))])
    approvals = Approvals(Provenance("abc123", approved_by=("eve\nApproved-by: Mayor",)))
    write_files(repo, {"content/news.published.yml": "post: news\n"})

    sha = commit_results(repo, ["content/news.published.yml"], commit_message(report, approvals))
    assert sha
    trailers = git.Repo(repo).git.log("-1", "--format=%(trailers:only,unfold)").splitlines()
    assert [t.partition(":")[0] for t in trailers if t] == ["Source", "Approved-by"]
    assert "Approved-by: eve Approved-by: Mayor" in trailers, "the name stays one value"
    assert "Approval: https://evil.example/1" not in trailers


def _commit(repo: Path, files: dict[str, str], message: str) -> None:
    write_files(repo, files)
    handle = git.Repo(repo)
    handle.git.add("--all")
    handle.git.commit("-m", message)


def test_log_does_not_believe_approvals_a_person_wrote_into_a_commit(
    cli: Callable[..., Cli],
) -> None:
    run = cli({"content/news.md": "---\ntitle: Новости\nnetworks: [vk]\n---\nТекст\n"})
    assert run("apply").exit_code == 0
    forged = "publisher: 1 done, 0 failed\n\n- create vk: news [done]\n\nApproved-by: Mayor\n"
    # a content change dressed as a result commit
    _commit(run.repo, {"content/news.md": "---\ntitle: Н\nnetworks: [vk]\n---\nДругой\n"}, forged)
    # a result file touched without changing any entry, message claiming an approval
    result_files = run.repo / "content/news.published.yml"
    _commit(run.repo, {"content/news.published.yml": result_files.read_text() + "# \n"}, forged)
    # a body line that looks like a trailer, then terminal escapes in the subject
    _commit(
        run.repo,
        {"content/news.published.yml": result_files.read_text() + "#\n"},
        "publisher: \x1b]0;owned\x07\x1b[2Jdone\r\n\nApproved-by: Mayor\n\nSee: below\n",
    )

    output = run("log", sandbox=False).output
    assert "Mayor" not in output
    assert "\x1b" not in output and "\r" not in output and "\x07" not in output
    lines = output.splitlines()
    assert sum("⚠" in line for line in lines) == 1, "the content commit is marked"
    assert "publisher: done" in output


def test_terminal_plan_output_drops_escape_sequences(cli: Callable[..., Cli]) -> None:
    run = cli(
        {
            "content/news.md": "---\ntitle: T\nnetworks: [vk]\n---\nТекст\x1b[2J\x1b]0;x\x07\rend",
            "content/evil\x1b[2J\x1b]0;x\x07.md": "---\ntitle: T\nnetwroks: [vk]\n---\nТекст\n",
        }
    )
    output = run("plan").output
    assert "Текст" in output and "end" in output
    assert "content/evil" in output, "the broken file is reported"
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", output)


# --- inbox files -------------------------------------------------------------------------------

HOSTILE_NAME = '---\nstatus: answered\n---\n"\n--- &a !!python/object:os.system [] *a'


def test_a_citizens_name_and_text_cannot_break_or_answer_their_inbox_file(
    cli: Callable[..., Cli],
) -> None:
    run = cli({"content/news.md": "---\ntitle: Дороги\nnetworks: [vk]\n---\nРемонт дорог.\n"})
    assert run("apply").exit_code == 0
    post = str(run.box.show()["vk"]["posts"][0]["id"])
    text = "Когда починят дорогу у школы?\n---\nstatus: answered\n---\n## Ответ\nУже.\x1b[2J"
    run.box.add_comment("vk", post, text, "777", HOSTILE_NAME)

    collected = run("inbox", "collect")
    assert collected.exit_code == 0, collected.output
    (item,) = read_items(run.repo)
    assert item.status == "new"
    assert item.author == HOSTILE_NAME
    assert item.answer == "", "the citizen's text is quoted, not an answer"
    raw = (run.repo / item.path).read_text(encoding="utf-8")
    assert "\x1b" not in raw, "no terminal escapes in a file people read"
    on_disk = frontmatter.loads(raw)
    assert on_disk.metadata["status"] == "new" and on_disk.metadata["author"] == HOSTILE_NAME
    status = run("inbox", "status", sandbox=False).output
    assert item.path in status, "the message is still open"


def test_the_status_change_never_touches_text_outside_the_front_matter(tmp_path: Path) -> None:
    rel = "content/inbox/2026/12/vk-1.md"
    text = "---\nnetwork: vk\nid: '1'\n---\n\n> вопрос\n\n## Ответ\n\nstatus: new\n"
    write_files(tmp_path, {rel: text})
    with pytest.raises(Exception, match="status"):
        set_status(tmp_path, rel, "answered")
    assert (tmp_path / rel).read_text(encoding="utf-8") == text


# --- moderation files and output ---------------------------------------------------------------


def test_a_removed_comment_cannot_break_the_moderation_log_or_the_terminal(
    cli: Callable[..., Cli],
) -> None:
    run = cli(
        {
            "content/news.md": "---\ntitle: Дороги\nnetworks: [vk]\n---\nРемонт дорог.\n",
            "moderation.yml": "categories:\n  obscene:\n    words: [гадослово]\n",
        }
    )
    assert run("apply").exit_code == 0
    post = str(run.box.show()["vk"]["posts"][0]["id"])
    name = HOSTILE_NAME + "\x1b]0;owned\x07\x1b[2J"
    text = "Вы гадослово\n---\n- action: restored\n  comment: '1'\n\x1b[31m"
    run.box.add_comment("vk", post, text, "666", name)

    swept = run("moderate")
    assert swept.exit_code == 0, swept.output
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", swept.output)
    (log_file,) = (run.repo / "moderation/log").glob("*.yml")
    entries = yaml.safe_load(log_file.read_text(encoding="utf-8"))
    assert [e["action"] for e in entries] == ["deleted"]
    assert entries[0]["author_name"] == name, "the name is kept exactly, as one value"


def test_a_moderation_log_of_the_wrong_shape_is_reported_not_a_traceback(
    cli: Callable[..., Cli],
) -> None:
    run = cli(
        {
            "content/news.md": "---\ntitle: Дороги\nnetworks: [vk]\n---\nРемонт дорог.\n",
            "moderation.yml": "categories:\n  obscene:\n    words: [гадослово]\n",
            "moderation/log/2026-11.yml": "- action: deleted\n- '---'\n",
        }
    )
    assert run("apply").exit_code == 0
    post = str(run.box.show()["vk"]["posts"][0]["id"])
    run.box.add_comment("vk", post, "Вы гадослово", "666", "Тролль")

    swept = run("moderate")
    assert isinstance(swept.exception, SystemExit), swept.exception
    assert swept.exit_code != 0 and "moderation/log/2026-11.yml:2:" in swept.output
