"""Any front matter and any Markdown give a valid post or clear problems, never a traceback."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publisher.content.load import load_content
from publisher.core.config import Config
from publisher.engine.workspace import open_workspace
from publisher.networks import NETWORKS

FIELDS = ["title", "networks", "publish_at", "status", "media", "poll", "overrides", "tags", "id"]
values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    front=st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=10), values, max_size=6),
    body=st.text(max_size=300),
)
def test_structured_front_matter_never_crashes(front: dict[str, object], body: str) -> None:
    import yaml

    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body
    _check(text)


@settings(max_examples=120, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_text_never_crashes(text: str) -> None:
    _check(text)


def _check(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "content").mkdir()
        (root / "content" / "post.md").write_text(text, encoding="utf-8", errors="surrogatepass")
        content = load_content(root, Config(), NETWORKS)
        assert content.posts or content.diagnostics
        for diagnostic in content.diagnostics:
            assert diagnostic.path == "content/post.md" and diagnostic.line >= 1
            assert diagnostic.message
        ws = open_workspace(root, env={})
        ws.check(content)
        ws.plan(content)
