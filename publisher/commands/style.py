"""``publisher style``: press-release wording and bureaucratese in files or on stdin, scored."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from publisher.content.style import StyleReport, lint
from publisher.core.config import load_config
from publisher.core.errors import PublisherError
from publisher.core.escape import one_line
from publisher.core.front_matter import body_line, body_of
from publisher.core.i18n import _


@dataclass(frozen=True)
class Styled:
    """One text's style report (``name`` is ``-`` for stdin; ``first_line``: the file's line
    where the linted body starts, below the front matter)."""

    name: str
    body: str
    report: StyleReport
    first_line: int = 1


def lint_files(repo: Path, files: Sequence[str], stdin: TextIO) -> list[Styled]:
    """Lint each file (or stdin, for none or ``-``) by the repository's style settings."""
    rules = load_config(repo)[0].style
    sources = (
        [("-", stdin.read())]
        if tuple(files) in ((), ("-",))
        else [(name, _read(name)) for name in files]
    )
    styled = []
    for name, text in sources:
        body = body_of(text)
        styled.append(Styled(name, body, lint(body, rules), body_line(text, body)))
    return styled


def _read(name: str) -> str:
    """A file's text, or a clear error naming it (never a traceback)."""
    try:
        return Path(name).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        reason = _("The file is not UTF-8 text.")
        raise PublisherError(
            _("{file} cannot be read: {error}", file=name, error=reason), _("Save it as UTF-8.")
        ) from None
    except OSError:
        raise PublisherError(_("{file} cannot be read.", file=name)) from None


def style_output(styled: Sequence[Styled], fmt: str) -> str:
    """Each finding at its line with the plain alternative, then the score (or JSON)."""
    if fmt == "json":
        reports = [{"file": item.name, **item.report.as_json()} for item in styled]
        return json.dumps(
            reports[0] if len(reports) == 1 else reports, ensure_ascii=False, indent=2
        )
    return "\n".join(line for item in styled for line in _text_lines(item))


def _text_lines(item: Styled) -> list[str]:
    lines = []
    for finding in item.report.findings:
        line = item.first_line + item.body[: finding.start].count("\n")
        quoted = one_line(item.body[finding.start : finding.end])
        lines.append(f"{one_line(item.name)}:{line}: «{quoted}» — {finding.message}")
        lines.append(f"    → {finding.suggestion}")
    lines.append(_("{file}: style score {score}/10", file=item.name, score=item.report.score))
    return lines
