"""No token ever reaches output, errors, recorded files, logs or commits, whatever happens."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Sandboxes, jpeg_bytes

from publisher.cli import Deps, main
from publisher.core.clock import FakeClock
from publisher.core.redact import redact
from publisher.sandbox.core import revoke_token

ROOT = Path(__file__).resolve().parents[2]
#: one marker per secret the example accounts name; shaped like the real thing
MARKERS = {
    "VK_USER_TOKEN": "vk1.a.MARKERuserTOKEN0123456789abcdefABCDEF",  # pragma: allowlist secret
    "VK_COMMUNITY_TOKEN": "vk1.a.MARKERcommunity0123456789abcdefABCD",  # pragma: allowlist secret
    "TELEGRAM_BOT_TOKEN": (
        "1234567890:AAMARKERtelegram0123456789abcdefABC"  # pragma: allowlist secret
    ),
    "OK_ACCESS_TOKEN": "MARKERokACCESS0123456789abcdef",  # pragma: allowlist secret
    "OK_APP_SECRET": "MARKERokSECRET0123456789abcdef",  # pragma: allowlist secret
    "MAX_BOT_TOKEN": "MARKERmaxTOKEN0123456789abcdef",  # pragma: allowlist secret
    "FACEBOOK_PAGE_TOKEN": (
        "EAAMARKERfacebook0123456789abcdefABCDEFabcdef0123"  # pragma: allowlist secret
    ),
    "INSTAGRAM_TOKEN": (
        "EAAMARKERinstagram0123456789abcdefABCDEFabcdef012"  # pragma: allowlist secret
    ),
    "X_USER_TOKEN": "MARKERxBEARER0123456789abcdef",  # pragma: allowlist secret
}
POST = """---
title: Ёлка
networks: [vk, ok, telegram, max, facebook, instagram, x]
media: [a.jpg]
poll:
  question: Что добавить?
  options: [Горку, Ярмарку]
---

Ёлку нарядили. Когда будет каток? Вопрос к администрации.
"""


def _assert_clean(text: str, where: str) -> None:
    for name, marker in MARKERS.items():
        assert marker not in text, f"{name} leaked into {where}"
        assert marker[6:26] not in text, f"part of {name} leaked into {where}"


def test_every_command_keeps_tokens_secret(
    make_repo: Callable[..., Path], sandboxes: Sandboxes, clock: FakeClock
) -> None:
    accounts = {
        f"accounts/{p.name}": p.read_text(encoding="utf-8")
        for p in sorted((ROOT / "accounts").glob("*.md"))
    }
    design = {f"design/{p.name}": p.read_bytes() for p in (ROOT / "design").glob("*.*")}
    design |= {
        f"design/fitted/{p.name}": p.read_bytes() for p in (ROOT / "design/fitted").glob("*")
    }
    repo = make_repo(
        {
            "publisher.yml": "media_base_url: https://city.example/\n",
            "content/elka/index.md": POST,
            "content/elka/a.jpg": jpeg_bytes(),
            **accounts,
            **design,
        },
        accounts=False,
    )
    state = sandboxes.state
    box = sandboxes()
    for name in ("TELEGRAM_BOT_TOKEN", "X_USER_TOKEN"):
        revoke_token(box.store, MARKERS[name])  # two networks answer "revoked": errors print

    outputs: list[str] = []

    def run(*args: str, sandbox: bool = True) -> None:
        prefix = ["--repo", str(repo), *(["--sandbox", str(state)] if sandbox else [])]
        result = CliRunner().invoke(main, [*prefix, *args], obj=Deps(clock, dict(MARKERS)))
        assert "Traceback" not in result.output
        outputs.append(result.output + repr(result.exception or ""))

    run("check")
    run("plan", "--format", "json")
    run("apply")
    posts = sandboxes().show()["vk"]["posts"]
    sandboxes().add_comment("vk", str(posts[0]["id"]), "Когда каток?", "9", "Ж")
    run("moderate")
    run("inbox", "collect")
    run("inbox", "status", "--format", "json")
    run("accounts", "cover", "--upload")
    run("log", sandbox=False)
    run("apply", sandbox=False)  # real networks outside CI: refused before anything is sent

    for number, text in enumerate(outputs):
        _assert_clean(text, f"the output of command {number}")
    for path in [*repo.rglob("*"), *state.rglob("*")]:
        if path.is_file() and ".git" not in path.parts:
            _assert_clean(path.read_bytes().decode("utf-8", "replace"), str(path))
    history = subprocess.run(
        ["git", "log", "-p", "--all"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    _assert_clean(history, "git history")
    assert "state: published" in (repo / "content/elka/published.yml").read_text()


@pytest.mark.parametrize(
    "text",
    [
        "https://api.vk.com/method/wall.post?access_token=SECRETVALUE123&v=5.199",
        "https://api.telegram.org/bot123456:AAbcdefSECRET/sendMessage failed",
        "{'Authorization': 'Bearer SECRETVALUE123'}",
        "error: client_secret=SECRETVALUE123&code=1",
    ],
)
def test_redact_masks_token_shapes_never_registered(text: str) -> None:
    masked = redact(text)
    assert "SECRET" not in masked and "****" in masked
