"""The one atomic write: the old file or the new one, never a part, and no temporary file left."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from publisher.state.atomic import write_atomic


def test_text_and_bytes_replace_the_file_and_create_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "content" / "2026" / "post.published.yml"
    write_atomic(path, "post: ёлка\n")
    assert path.read_text(encoding="utf-8") == "post: ёлка\n"
    write_atomic(path, b"\x00\x01", durable=False)
    assert path.read_bytes() == b"\x00\x01"
    assert os.listdir(path.parent) == ["post.published.yml"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # as mkstemp makes it, like before


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failure_mid_write_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = tmp_path / "state.yml"
    path.write_text("old\n", encoding="utf-8")
    seen: list[str] = []

    def broken(*args: object) -> None:
        seen.extend(os.listdir(tmp_path))  # the new text is on disk beside the old file
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, broken)
    with pytest.raises(OSError, match="No space"):
        write_atomic(path, "new\n", prefix=".published.")
    assert path.read_text(encoding="utf-8") == "old\n"
    assert os.listdir(tmp_path) == ["state.yml"]
    (temporary,) = set(seen) - {"state.yml"}
    assert temporary.startswith(".published.") and temporary.endswith(".tmp")


def test_an_interrupted_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cache.msgpack"
    path.write_bytes(b"old")

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(path, b"new", durable=False)
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["cache.msgpack"]


def test_a_durable_write_is_flushed_to_the_disk_before_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        calls.append("fsync")
        real_fsync(fd)

    def replace(source: str, target: Path) -> None:
        calls.append("replace")
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_atomic(tmp_path / "a.yml", "a\n")
    write_atomic(tmp_path / "b.yml", "b\n", durable=False)
    assert calls == ["fsync", "replace", "replace"]
