"""Account files drive each network's profile: plan shows the change, apply sets it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner
from conftest import TELEGRAM_ACCOUNT, VK_ACCOUNT, Sandboxes, jpeg_bytes

from publisher.cli import Deps, main
from publisher.core.clock import FakeClock
from publisher.networks import NETWORKS

ROOT = Path(__file__).resolve().parents[2]


def test_editing_the_vk_account_updates_the_vk_profile(
    make_repo: Callable[..., Path], sandboxes: Sandboxes, clock: FakeClock
) -> None:
    repo = make_repo({})
    state = sandboxes.state

    def run(*args: str) -> str:
        result = CliRunner().invoke(
            main, ["--repo", str(repo), "--sandbox", str(state), *args], obj=Deps(clock, {})
        )
        assert result.exit_code == 0, result.output
        return result.output

    run("apply")
    assert sandboxes().show()["vk"]["profile"]["description"] == "Описание сообщества."
    assert "изменить 0," in run("plan")
    (repo / "accounts/vk.md").write_text(
        VK_ACCOUNT.replace("Описание сообщества.", "Новое описание: пишите нам."),
        encoding="utf-8",
    )
    plan = run("plan")
    assert "изменить 1," in plan and "accounts/vk" in plan and "description" in plan
    assert (
        "    описание:\n    │ - Описание сообщества.\n    │ + Новое описание: пишите нам." in plan
    )
    comment = run("plan", "--format", "markdown")
    assert "```diff\n- Описание сообщества.\n+ Новое описание: пишите нам.\n```" in comment
    run("apply")
    assert sandboxes().show()["vk"]["profile"]["description"] == "Новое описание: пишите нам."
    (repo / "accounts/vk.md").write_text(VK_ACCOUNT, encoding="utf-8")
    assert "    │ - Новое описание: пишите нам.\n    │ + Описание сообщества." in run("plan")


def test_every_network_profile_is_set_or_listed_as_a_manual_step(
    make_repo: Callable[..., Path], sandboxes: Sandboxes, clock: FakeClock
) -> None:
    accounts = {  # each network's default account (accounts/<network>.md)
        f"accounts/{p.name}": p.read_text(encoding="utf-8")
        for p in sorted((ROOT / "accounts").glob("*.md"))
        if p.stem in NETWORKS
    }
    design = {f"design/{p.name}": p.read_bytes() for p in (ROOT / "design").glob("*.*")}
    design |= {
        f"design/fitted/{p.name}": p.read_bytes() for p in (ROOT / "design/fitted").glob("*")
    }
    repo = make_repo({**accounts, **design}, accounts=False)
    state = sandboxes.state
    result = CliRunner().invoke(
        main, ["--repo", str(repo), "--sandbox", str(state), "apply"], obj=Deps(clock, {})
    )
    assert result.exit_code == 0, result.output
    view = sandboxes().show()
    assert view["vk"]["profile"]["cover"] and view["vk"]["profile"]["avatar"]
    assert view["telegram"]["profile"]["description"].startswith("Новости администрации")
    assert view["facebook"]["profile"]["cover"]
    assert (
        view["x"]["profile"]["description"] == "Новости администрации Приморско-Ахтарского района."
    )
    assert "https://www.instagram.com/accounts/edit/" in result.output, "Instagram: by hand"
    assert "https://max.ru/" in result.output, "Max's description: by hand"


def test_accounts_fit_says_what_it_cut_and_never_enlarges_a_small_image(
    make_repo: Callable[..., Path], clock: FakeClock
) -> None:
    telegram = TELEGRAM_ACCOUNT.replace("---\nОпис", "avatar: design/small.jpg\n---\nОпис")
    vk = VK_ACCOUNT.replace("---\nОпис", "avatar: design/wide.jpg\n---\nОпис")
    repo = make_repo(
        {
            "accounts/vk.md": vk,
            "accounts/telegram.md": telegram,
            "design/wide.jpg": jpeg_bytes(1200, 500),  # VK: a square of at least 200 px
            "design/small.jpg": jpeg_bytes(120, 120),  # Telegram: at least 160×160
        }
    )

    result = CliRunner().invoke(main, ["--repo", str(repo), "accounts", "fit"], obj=Deps(clock, {}))

    assert result.exit_code == 1, "an image is still too small for its network"
    assert (
        "vk: avatar design/wide.jpg → design/fitted/wide-vk-avatar.jpg (обрезано 350 пикс. слева "
        "и 350 пикс. справа; уменьшено до 400×400); впишите этот путь в accounts/vk.md"
    ) in result.stdout
    assert "telegram: картинка avatar design/small.jpg — 120×120 пикс.;" in result.stderr
    assert "не увеличивает" in result.stderr
    assert sorted(p.name for p in (repo / "design/fitted").iterdir()) == ["wide-vk-avatar.jpg"]
