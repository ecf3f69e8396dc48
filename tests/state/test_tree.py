"""Listing files with the identity of their content, from Git's index or by reading them."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from conftest import write_files

from publisher.state.tree import blob_id, scan_tree


def hash_object(path: Path) -> str:
    done = subprocess.run(["git", "hash-object", str(path)], capture_output=True, check=True)
    return done.stdout.decode().strip()


def test_blob_id_is_gits(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("Привет\n", encoding="utf-8")
    assert blob_id(path.read_bytes()) == hash_object(path)


def test_committed_changed_untracked_and_deleted_files(make_repo: Callable[..., Path]) -> None:
    repo = make_repo(
        {
            "content/a.md": "a\n",
            "content/b.md": "b\n",
            "content/gone.md": "x\n",
            "other/ignored.md": "not scanned\n",
        }
    )
    (repo / "content/b.md").write_text("b, edited\n")
    (repo / "content/gone.md").unlink()
    write_files(repo, {"content/new/c.md": "c\n"})

    tree = scan_tree(repo, ["content", "accounts"])

    assert sorted(tree.files) == [
        "accounts/telegram.md",
        "accounts/vk.md",
        "content/a.md",
        "content/b.md",
        "content/new/c.md",
    ]
    for rel, digest in tree.files.items():
        assert digest == hash_object(repo / rel), rel
    assert list(tree.under("content")) == ["content/a.md", "content/b.md", "content/new/c.md"]


def test_outside_git_every_file_is_read_with_the_same_identity(tmp_path: Path) -> None:
    write_files(tmp_path, {"content/a.md": "a\n", "content/deep/b.md": "b\n"})

    tree = scan_tree(tmp_path, ["content", "missing"])

    assert tree.files == {
        "content/a.md": blob_id(b"a\n"),
        "content/deep/b.md": blob_id(b"b\n"),
    }


def test_a_file_edited_after_commit_gets_its_new_identity_even_with_the_same_size(
    make_repo: Callable[..., Path],
) -> None:
    repo = make_repo({"content/a.md": "aaaa\n"})
    before = scan_tree(repo, ["content"]).digest("content/a.md")
    (repo / "content/a.md").write_text("bbbb\n")

    after = scan_tree(repo, ["content"]).digest("content/a.md")

    assert before == blob_id(b"aaaa\n")
    assert after == blob_id(b"bbbb\n")
