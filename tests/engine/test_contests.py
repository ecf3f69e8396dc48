"""Contests at apply time, against the sandbox: entrants read as the contest runs, one draw
after it closes, written once and committed with a results post for approval."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml
from conftest import Publisher

from publisher.core.clock import FakeClock
from publisher.core.draw import draw
from publisher.engine.contests import pseudonym
from publisher.engine.publish import publish
from publisher.engine.workspace import Workspace
from publisher.sandbox.faults import parse_faults

CONTEST = """---
title: Конкурс рисунков
networks: [vk, telegram]
contest:
  entry: comment
  keyword: ёлка
  closes: 2026-12-05 18:00
  winners: 2
---

Нарисуйте ёлку и пришлите в комментарии со словом «ёлка».
"""
CONFIG = """timezone: Europe/Moscow
default_networks: [vk, telegram]
contests:
  staff: [vk:509]
  linked: [[vk:503, telegram:77]]
"""
RECORD = "contests/2026/12/konkurs.yml"
RESULTS = "content/2026/12/konkurs-itogi.md"


def contest_repo(make_repo: Callable[..., Path], post: str = CONTEST) -> Path:
    return make_repo({"publisher.yml": CONFIG, "content/2026/12/konkurs.md": post})


def comment(run: Publisher, author: str, text: str) -> None:
    [post] = run.feed("vk")
    run.sandboxes().add_comment("vk", str(post["id"]), text, author, f"Житель {author}")


def record(repo: Path) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((repo / RECORD).read_text(encoding="utf-8"))


def test_entrants_are_read_then_drawn_once_after_closing(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    repo = contest_repo(make_repo)
    run = publisher(repo)
    assert run("apply").exit_code == 0
    comment(run, "501", "Моя ёлка!")
    comment(run, "502", "А я без рисунка")  # no keyword: does not count
    comment(run, "509", "Ёлка от сотрудника")  # staff: left out
    assert run("apply").exit_code == 0
    before = record(repo)
    assert before["entrants"] == [pseudonym("vk:501")] and "draw" not in before
    assert not (repo / RESULTS).exists()

    comment(run, "503", "ЁЛКА в снегу")  # linked: entered as telegram:77
    comment(run, "504", "ёлочка-ёлка")
    run.clock.advance(5 * 86400)  # past 2026-12-05 18:00 MSK
    comment(run, "505", "ёлка, но поздно")  # after closing: does not count
    result = run("apply")
    assert result.exit_code == 0, result.output
    after = record(repo)
    people = sorted(pseudonym(p) for p in ("vk:501", "telegram:77", "vk:504"))
    assert after["entrants"] == people
    assert after["excluded"] == 1
    made = draw(after["seed"], people, 2)
    assert after["draw"]["winners"] == list(made.winners)
    assert after["draw"]["digest"] == made.digest
    assert after["seed"] == run.git("log", "--format=%H", "-1", "--", "content/2026/12/konkurs.md")
    results = (repo / RESULTS).read_text(encoding="utf-8")
    assert "status: draft" in results and made.winners[0] in results
    assert "Житель" not in (repo / RECORD).read_text(encoding="utf-8")
    assert run.git("status", "--porcelain") == ""  # the draw and the draft are committed

    comment(run, "506", "ёлка ещё одна")
    run.clock.advance(3600)
    assert run("apply").exit_code == 0
    assert record(repo)["draw"] == after["draw"]  # never drawn again


def test_network_down_while_reading_waits_with_the_draw(
    make_repo: Callable[..., Path],
    publisher: Callable[[Path], Publisher],
    sandboxed: Callable[..., Workspace],
    clock: FakeClock,
) -> None:
    repo = contest_repo(make_repo)
    run = publisher(repo)
    assert run("apply").exit_code == 0
    comment(run, "501", "ёлка")
    clock.advance(5 * 86400)
    down = publish(sandboxed(repo, faults=parse_faults("vk.reset=1")))
    assert down.partial and ("2026/12/konkurs", "vk") in down.contests.failed
    assert "draw" not in record(repo)  # read before closing on one account only: no draw
    again = publish(sandboxed(repo))
    assert not again.partial
    assert record(repo)["draw"]["winners"] == [pseudonym("vk:501")]


def test_a_crash_after_the_draw_writes_the_results_post_and_keeps_the_draw(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    repo = contest_repo(make_repo)
    run = publisher(repo)
    assert run("apply").exit_code == 0
    comment(run, "501", "ёлка")
    comment(run, "502", "ёлка")
    run.clock.advance(5 * 86400)
    assert run("apply", "--no-commit").exit_code == 0
    drawn = record(repo)["draw"]
    # the run died after the draw was written: no results post, no commit
    (repo / RESULTS).unlink()
    text = (repo / RECORD).read_text(encoding="utf-8")
    (repo / RECORD).write_text(text.replace(f"results_post: {RESULTS}\n", ""), encoding="utf-8")
    comment(run, "503", "ёлка")  # read again, it would change the draw: it is not read
    assert run("apply").exit_code == 0
    assert record(repo)["draw"] == drawn and (repo / RESULTS).exists()


def test_more_winners_than_entrants_all_win(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    repo = contest_repo(make_repo)
    run = publisher(repo)
    assert run("apply").exit_code == 0
    comment(run, "501", "ёлка")
    run.clock.advance(5 * 86400)
    assert run("apply").exit_code == 0
    assert record(repo)["draw"]["winners"] == [pseudonym("vk:501")]
    assert "1. " in (repo / RESULTS).read_text(encoding="utf-8")


def test_a_banned_author_is_left_out_even_after_entering(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    repo = contest_repo(make_repo)
    run = publisher(repo)
    assert run("apply").exit_code == 0
    comment(run, "501", "ёлка")
    comment(run, "502", "ёлка")
    assert run("apply").exit_code == 0
    assert len(record(repo)["entrants"]) == 2
    log = repo / "moderation/log/2026-12.yml"
    log.parent.mkdir(parents=True)
    log.write_text(
        "- {network: vk, comment: '1', action: banned, at: '2026-12-02T10:00:00+00:00', "
        "author_id: '502', account: vk}\n",
        encoding="utf-8",
    )
    run.clock.advance(5 * 86400)
    assert run("apply").exit_code == 0
    assert record(repo)["entrants"] == [pseudonym("vk:501")]


def drawn_repo(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> tuple[Path, Publisher]:
    repo = contest_repo(make_repo)
    run = publisher(repo)
    assert run("apply").exit_code == 0
    for author in ("501", "502", "504", "507"):
        comment(run, author, "ёлка")
    run.clock.advance(5 * 86400)
    assert run("apply").exit_code == 0
    return repo, run


def test_verify_draws_again_and_agrees(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    repo, run = drawn_repo(make_repo, publisher)
    result = run("contest", "verify", "2026/12/konkurs")
    assert result.exit_code == 0, result.output
    assert "Жеребьёвка сходится" in result.output
    for code in record(repo)["draw"]["winners"]:
        assert code in result.output


def commit_by_hand(run: Publisher, repo: Path, edit: Callable[[str], str]) -> None:
    text = (repo / RECORD).read_text(encoding="utf-8")
    (repo / RECORD).write_text(edit(text), encoding="utf-8")
    run.git("commit", "-qam", "Поправил итоги")


def test_verify_catches_a_hand_edited_winner(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    repo, run = drawn_repo(make_repo, publisher)
    winners = record(repo)["draw"]["winners"]
    loser = next(e for e in record(repo)["entrants"] if e not in winners)
    commit_by_hand(run, repo, lambda text: text.replace(f"  - {winners[0]}\n", f"  - {loser}\n"))
    result = run("contest", "verify", "2026/12/konkurs")
    assert result.exit_code == 1
    assert "Не совпадает" in result.output


def test_verify_catches_a_redraw_with_a_chosen_seed_and_list(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    """Someone rewrites seed, entrants and winners consistently: the draw itself holds, but
    the history and the result file do not."""
    repo, run = drawn_repo(make_repo, publisher)
    old = record(repo)
    entrants = [*old["entrants"], "u-000000000000"]
    made = draw("0" * 40, entrants, 2)

    def forged(text: str) -> str:
        data = yaml.safe_load(text)
        data.update(seed="0" * 40, entrants=sorted(entrants))
        data["draw"].update(seed="0" * 40, digest=made.digest, winners=list(made.winners))
        return yaml.safe_dump(data, allow_unicode=True)

    commit_by_hand(run, repo, forged)
    result = run("contest", "verify", "2026/12/konkurs")
    assert result.exit_code == 1
    assert "не коммит этой истории" in result.output
    assert "изменились после коммита" in result.output


def test_verify_before_the_draw_and_of_an_unknown_post(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    repo = contest_repo(make_repo)
    run = publisher(repo)
    assert run("apply").exit_code == 0
    assert run("contest", "verify", "2026/12/konkurs").exit_code == 1
    assert run("contest", "verify", "net-takogo").exit_code == 1


def test_winners_shows_names_and_links_and_writes_nothing(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    _repo, run = drawn_repo(make_repo, publisher)
    result = run("contest", "winners", "2026/12/konkurs")
    assert result.exit_code == 0, result.output
    assert "Житель" in result.output and "https://vk.com/" in result.output
    assert run.git("status", "--porcelain") == ""
    assert "Житель" not in run.git("log", "-p")


def test_check_holds_a_contest_that_has_closed_before_it_is_published(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    repo = contest_repo(make_repo, CONTEST.replace("2026-12-05 18:00", "2026-11-30 18:00"))
    run = publisher(repo)
    result = run("check")
    assert result.exit_code == 1
    assert "content/2026/12/konkurs.md:4:" in result.output
    assert "время окончания уже прошло" in result.output
    assert run("apply").exit_code == 1
    assert run.feed("vk") == []


def test_a_network_that_cannot_show_reposts_holds_the_contest_there_only(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    post = CONTEST.replace("entry: comment\n  keyword: ёлка\n", "entry: repost\n")
    repo = contest_repo(make_repo, post)
    run = publisher(repo)
    result = run("check")
    assert "Telegram не показывает, кто участвовал через репост" in result.output
    run("apply")
    assert len(run.feed("vk")) == 1 and run.feed("telegram") == []


def test_a_closed_contest_once_published_is_no_error(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    repo = contest_repo(make_repo)
    run = publisher(repo)
    assert run("apply").exit_code == 0
    run.clock.advance(10 * 86400)
    assert run("check").exit_code == 0


def test_the_gate_takes_the_record_and_a_new_draft_results_post_as_machine_written() -> None:
    from publisher.engine.history import is_machine_change

    draft = "---\ntitle: Итоги\nstatus: draft\n---\nТекст\n"
    ready = draft.replace("draft", "ready")
    assert is_machine_change("M", RECORD)
    assert is_machine_change("A", RESULTS, lambda: (None, draft))
    # a results post added ready to go, or any change to one, is a person's: approval needed
    assert not is_machine_change("A", RESULTS, lambda: (None, ready))
    assert not is_machine_change("M", RESULTS, lambda: (draft, ready))
    assert not is_machine_change("A", "content/2026/12/konkurs.md", lambda: (None, draft))
    assert not is_machine_change("A", RESULTS, lambda: (None, "---\n: : :\n"))


def test_telegram_comments_count_and_a_linked_person_enters_once(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    """Telegram shows the bot its discussion group's comments: they are entries too; the
    person linked as vk:503 and telegram:77 who enters on both enters once."""
    repo = contest_repo(make_repo)
    run = publisher(repo)
    assert run("apply").exit_code == 0
    [tg_post] = run.feed("telegram")
    box = run.sandboxes()
    box.add_comment("telegram", str(tg_post["id"]), "Моя ёлка", "77", "Оля")
    box.add_comment("telegram", str(tg_post["id"]), "Ёлка!", "78", "Игорь")
    comment(run, "503", "ёлка и во ВКонтакте")
    # Telegram keeps a comment for the bot for a day: the runs while the contest is open
    # (every 15 minutes in CI) write it down before it is gone
    assert run("apply").exit_code == 0
    run.clock.advance(5 * 86400)
    assert run("apply").exit_code == 0
    assert record(repo)["entrants"] == sorted(pseudonym(p) for p in ("telegram:77", "telegram:78"))


def test_a_draw_written_by_hand_before_closing_is_not_taken(
    make_repo: Callable[..., Path], publisher: Callable[[Path], Publisher]
) -> None:
    """A request slips a ready-made draw into the record before the contest closes: apply does
    not take it for its own (and so does not skip drawing silently), verify says it was
    written by hand."""
    repo = contest_repo(make_repo)
    run = publisher(repo)
    assert run("apply").exit_code == 0
    comment(run, "501", "ёлка")
    assert run("apply").exit_code == 0
    friend = pseudonym("vk:666")

    def rigged(text: str) -> str:
        data = yaml.safe_load(text)
        data["entrants"] = sorted([*data["entrants"], friend])
        made = draw(data["seed"], data["entrants"], 1)
        data["winners"] = 1
        data["draw"] = {
            "at": "2026-12-01T10:00:00+00:00",
            "seed": data["seed"],
            "digest": made.digest,
            "winners": list(made.winners),
        }
        return yaml.safe_dump(data, allow_unicode=True)

    commit_by_hand(run, repo, rigged)
    run.clock.advance(5 * 86400)
    result = run("apply")
    assert result.exit_code == 3
    assert "жеребьёвка, которую publisher не проводил" in result.output
    assert not (repo / RESULTS).exists()
    verified = run("contest", "verify", "2026/12/konkurs")
    assert verified.exit_code == 1 and "изменена вручную" in verified.output


def test_the_results_draft_stays_a_draft_whatever_the_title() -> None:
    from publisher.core.front_matter import read_front_matter
    from publisher.core.model import Post
    from publisher.engine.contests import results_text
    from publisher.state.contest_files import ContestRecord, Drawn

    title = 'Конкурс "Ёлка" \\" \nstatus: ready'
    post = Post("k", "content/k.md", title, "", ("vk",))
    record = ContestRecord(
        "k",
        "comment",
        "2026-12-05T18:00:00+03:00",
        1,
        "a" * 40,
        ("u-1",),
        draw=Drawn("2026-12-06T00:00:00+00:00", "a" * 40, "d" * 64, ("u-1",)),
    )
    front = read_front_matter(results_text(post, record)).data
    assert front["status"] == "draft" and front["networks"] == ["vk"]


def test_our_community_is_left_out_but_a_user_with_the_same_number_is_not() -> None:
    from publisher.core.config import ContestRules
    from publisher.engine.contests import Exclusions, own_people

    rules = Exclusions(ContestRules(), own_people([("vk", "1001"), ("max", "-7")]), frozenset())
    assert rules.excludes("vk:-1001") and rules.excludes("max:-7")
    assert not rules.excludes("vk:1001")
