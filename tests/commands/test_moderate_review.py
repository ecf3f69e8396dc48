"""End to end on the sandbox: doubtful comments go to a person, and a merged decision is carried
out by the next ``moderate``, once, with who approved it; hostile decision files do nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import git
import pytest
import yaml
from commands.test_moderate_and_inbox import NEWS, Run
from commands.test_moderate_and_inbox_by_account import BRATSKOE, RULES, make_run
from commands.test_moderate_and_inbox_by_account import Run as AccountsRun
from conftest import Sandboxes

from publisher.moderation.log import read_log
from publisher.moderation.review import REVIEW_DIR, read_reviews

__all__ = ["make_run"]  # the fixture of two VK communities, shared

DOUBTFUL = "Мэр, вы взяточник"
FILE = f"{REVIEW_DIR}/vk-1.md"


@pytest.fixture
def run(make_repo: Callable[..., Path], sandboxes: Sandboxes) -> Run:
    repo = make_repo({"content/news.md": NEWS})
    runner = Run(repo, sandboxes)
    assert runner("apply").exit_code == 0
    return runner


def comments(run: Run) -> list[str]:
    return [str(c["text"]) for c in run.sandbox.show()["vk"]["posts"][0]["comments"]]


def filed(run: Run, text: str = DOUBTFUL, author: str = "501") -> str:
    """A doubtful comment swept: the path of its review file."""
    run.sandbox.add_comment("vk", run.post_id("vk"), text, author, "Иван Петров")
    result = run("moderate")
    assert result.exit_code == 0, result.output
    (path,) = [p for p in git.Repo(run.repo).head.commit.stats.files if p.startswith(REVIEW_DIR)]
    return str(path)


def decide(
    run: Run, rel: str, value: str, commit: bool = True, who: str = "Анна Модератор"
) -> None:
    path = run.repo / rel
    text = path.read_text(encoding="utf-8").replace("decision:\n", f"decision: {value}\n", 1)
    path.write_text(text, encoding="utf-8")
    if commit:
        repo = git.Repo(run.repo)
        repo.index.add([rel])
        actor = git.Actor("Анна Модератор", "anna@example.org")
        repo.index.commit("Решение по комментарию", author=actor, committer=actor)


def test_a_doubtful_comment_is_filed_not_removed(run: Run) -> None:
    rel = filed(run)
    assert comments(run) == [DOUBTFUL], "nothing is removed on a doubtful verdict"
    front = yaml.safe_load((run.repo / rel).read_text(encoding="utf-8").split("---")[1])
    assert front["account"] == "vk" and front["network"] == "vk"
    assert front["comment"] and front["post"] == run.post_id("vk") and front["link"]
    assert front["text"] == DOUBTFUL and front["rule"] == "insult:weak:взяточник"
    assert front["rule_label"].startswith("оскорбления")
    assert front["author"].startswith("Житель ") and "Петров" not in front["author"]
    assert front["proposed"] == "delete" and front["decision"] is None
    assert [e.action for e in read_log(run.repo)] == ["review"]
    (review,) = read_reviews(run.repo)
    assert review.pending


def test_a_merged_remove_is_carried_out_once_with_its_approver(run: Run) -> None:
    rel = filed(run)
    decide(run, rel, "remove")
    result = run("moderate")
    assert result.exit_code == 0, result.output
    assert comments(run) == []
    assert "Анна Модератор" in result.output
    done = read_log(run.repo)[-1]
    assert done.action == "deleted" and done.approved_by.startswith("Анна Модератор")
    front = yaml.safe_load((run.repo / rel).read_text(encoding="utf-8").split("---")[1])
    assert front["outcome"] == "deleted" and front["approved_by"].startswith("Анна Модератор")
    head = git.Repo(run.repo).head.commit
    assert rel in head.stats.files and head.message.startswith("publisher:")
    again = run("moderate")
    assert again.exit_code == 0 and len(read_log(run.repo)) == 2, "never carried out twice"


def test_an_outcome_removed_by_hand_does_not_act_again(run: Run) -> None:
    rel = filed(run)
    decide(run, rel, "keep")
    assert run("moderate").exit_code == 0
    path = run.repo / rel
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("outcome:")), "utf-8")
    repo = git.Repo(run.repo)
    repo.index.add([rel])
    repo.index.commit("Снова")
    run("moderate")
    assert [e.action for e in read_log(run.repo)] == ["review", "kept"]
    assert comments(run) == [DOUBTFUL]


def test_ban_removes_and_bans_for_good(run: Run) -> None:
    rel = filed(run)
    decide(run, rel, "ban")
    assert run("moderate").exit_code == 0
    assert comments(run) == []
    assert [str(b["user_id"]) for b in run.sandbox.show()["vk"]["banned"]] == ["501"]
    actions = [(e.action, e.ban_until) for e in read_log(run.repo)]
    assert actions == [("review", ""), ("deleted", ""), ("banned", "forever")]
    assert all(e.approved_by for e in read_log(run.repo)[1:])


def test_an_uncommitted_decision_does_not_act(run: Run) -> None:
    rel = filed(run)
    decide(run, rel, "remove", commit=False)
    result = run("moderate")
    assert result.exit_code == 0
    assert comments(run) == [DOUBTFUL]
    assert f"{rel}:" in result.output and "не закоммичено" in result.output


def test_a_bad_decision_names_the_file_line_and_fix(run: Run) -> None:
    rel = filed(run)
    decide(run, rel, "удалить")
    result = run("moderate")
    assert comments(run) == [DOUBTFUL]
    line = (run.repo / rel).read_text(encoding="utf-8").splitlines().index("decision: удалить") + 1
    assert f"{rel}:{line}: Решение «удалить» publisher не знает" in result.output
    assert "decision: remove" in result.output
    checked = run("check")
    assert checked.exit_code == 1 and f"{rel}:{line}:" in checked.output, "shown before the merge"


def test_a_decision_for_a_comment_never_sent_for_review_is_refused(run: Run) -> None:
    run.sandbox.add_comment("vk", run.post_id("vk"), "Спасибо за дороги!", "502", "Житель")
    run("moderate")
    (comment,) = run.sandbox.show()["vk"]["posts"][0]["comments"]
    forged = (
        f"---\naccount: vk\nnetwork: vk\npost: '{run.post_id('vk')}'\n"
        f"comment: '{comment['id']}'\ndecision: remove\n---\n"
    )
    rel = f"{REVIEW_DIR}/vk-{comment['id']}.md"
    (run.repo / REVIEW_DIR).mkdir(parents=True, exist_ok=True)
    (run.repo / rel).write_text(forged, encoding="utf-8")
    repo = git.Repo(run.repo)
    repo.index.add([rel])
    repo.index.commit("Удалить неудобный комментарий")
    result = run("moderate")
    assert comments(run) == ["Спасибо за дороги!"]
    assert "не отправлялся на проверку" in result.output
    assert "не отправлялся на проверку" in run("check").output


def test_a_decision_forged_for_another_account_is_refused(run: Run) -> None:
    rel = filed(run)
    path = run.repo / rel
    text = path.read_text(encoding="utf-8").replace("account: vk\n", "account: bratskoe-vk\n")
    other = f"{REVIEW_DIR}/bratskoe-vk-{rel.rsplit('-', 1)[1]}"
    (run.repo / other).write_text(text.replace("decision:\n", "decision: ban\n"), "utf-8")
    repo = git.Repo(run.repo)
    repo.index.add([other])
    repo.index.commit("Чужой аккаунт")
    result = run("moderate")
    assert comments(run) == [DOUBTFUL] and run.sandbox.show()["vk"]["banned"] == []
    assert f"{other}:" in result.output and "не отправлялся на проверку" in result.output


def test_the_plan_comment_lists_the_comments_waiting_for_a_decision(run: Run) -> None:
    rel = filed(run)
    markdown = run("plan", "--format", "markdown").output
    assert "Комментарии, ждущие решения модератора (1)" in markdown
    assert rel in markdown and "взяточник" in markdown and "предложено: delete" in markdown
    decide(run, rel, "keep")
    assert run("moderate").exit_code == 0
    assert "ждущие решения" not in run("plan", "--format", "markdown").output


QUIET = 'quiet_hours: {start: "00:00", end: "23:59", still_remove: [spam]}\n'
SPAM = "Купить дешёвые кредиты без справок, пишите +7 900 123-45-67, казино"


def test_quiet_hours_file_removals_for_a_person_except_still_remove(
    make_repo: Callable[..., Path], sandboxes: Sandboxes
) -> None:
    run = Run(make_repo({"content/news.md": NEWS, "moderation.yml": QUIET}), sandboxes)
    assert run("apply").exit_code == 0
    for author, text in (("501", "Дороги у вас пиздец"), ("502", SPAM)):
        run.sandbox.add_comment("vk", run.post_id("vk"), text, author, "Житель")
    assert run("moderate").exit_code == 0
    assert comments(run) == ["Дороги у вас пиздец"], "spam is still removed at night"
    (review,) = read_reviews(run.repo)
    assert review.rule == "obscene:root:пизд" and review.proposed == "delete"


def test_a_ban_decision_bans_on_every_account_sharing_the_blacklist(
    make_run: Callable[..., AccountsRun],
) -> None:
    run = make_run(RULES.replace("blacklist:\n", "blacklist:\n  shared: [vk]\n"))
    run.comment(1001, DOUBTFUL)
    assert run("moderate").exit_code == 0
    (review,) = read_reviews(run.repo)
    assert review.account == "district-vk"
    path = run.repo / review.path
    path.write_text(path.read_text("utf-8").replace("decision:\n", "decision: ban\n"), "utf-8")
    run.commit("Решение: заблокировать")
    result = run("moderate")
    assert result.exit_code == 0, result.output
    assert run.texts(1001) == [] and run.banned() == {1001: ["501"], 1002: ["501"]}
    bans = [(e["account"], e["ban_until"]) for e in run.log() if e["action"] == "banned"]
    assert bans == [("district-vk", "forever"), ("bratskoe-vk", "forever")]


def test_a_settlement_sends_to_a_person_what_the_district_removes(
    make_run: Callable[..., AccountsRun],
) -> None:
    """The README's example: the settlement's own rules make insults a person's decision."""
    own = BRATSKOE.replace(
        "---\nБратское", "moderation:\n  categories:\n    insult: {action: review}\n---\nБратское"
    )
    run = make_run(**{"accounts/settlements/bratskoe-vk.md": own})
    assert run("check").exit_code == 0
    for group in (1001, 1002):
        run.comment(group, "Глава - тупой идиот", author="506")
    assert run("moderate").exit_code == 0
    assert run.texts(1001) == [] and run.texts(1002) == ["Глава - тупой идиот"]
    (review,) = read_reviews(run.repo)
    assert review.account == "bratskoe-vk" and review.rule.startswith("insult:")
    assert review.proposed == "delete", "a person is asked to take it down, not to review it"
