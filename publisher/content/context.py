"""Everything a run works out from the content, worked out once, before anything uses it.

Pelican's way: build the whole context, then use it. ``build_context`` renders the posts for the
networks a plan needs and finds what check reports about each post, in one pass over the posts:
from the cache where an earlier run left the result, on all cores for the rest. ``check_content``
and ``build_plan`` then read the mappings; neither renders nor reaches for a cache.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar

from publisher.content.check import Measured, findings_key, needs_rendering, post_findings
from publisher.content.load import Content
from publisher.content.render import render_post
from publisher.core.capabilities import Capabilities
from publisher.core.config import Config
from publisher.core.errors import Diagnostic
from publisher.core.model import Post, RenderedPost, Target
from publisher.core.packing import plain, typed
from publisher.core.parallel import fork_map
from publisher.state.cache import Cache

T = TypeVar("T")
#: each post's rendering for one of its targets, by (post path, account name)
Renderings = Mapping[tuple[str, str], RenderedPost]


class Worked(NamedTuple):
    """What ``_Work`` makes of one post: its renderings by account name, and check's findings if
    they were asked for."""

    rendered: dict[str, RenderedPost]
    found: tuple[Diagnostic, ...] | None


@dataclass(frozen=True)
class Context:
    """What one run worked out from its content: renderings, and check's findings by post path."""

    renderings: Renderings = field(default_factory=dict)
    findings: Mapping[str, tuple[Diagnostic, ...]] = field(default_factory=dict)


def build_context(
    content: Content,
    config: Config,
    capabilities: Mapping[str, Capabilities],
    cache: Cache | None = None,
    render: Mapping[str, Collection[str]] | None = None,
    check: Iterable[Post] = (),
) -> Context:
    """The renderings of each post (by path) for the networks ``render`` names, and the findings
    about each of the posts in ``check``; ``cache`` is the one ``content`` was loaded through."""
    work = _Work(content, config, capabilities, cache, render or {}, check)
    posts = [p for p in content.posts if p.path in work.render or p.path in work.checked]
    if cache is None:
        results = fork_map(work, posts, _WORKED)
    else:
        if work.render:
            cache.read_renders()  # once, here: each worker would read the whole file again
        ready = {p.path: worked for p in posts if (worked := work.from_cache(p)) is not None}
        todo = [p for p in posts if p.path not in ready]
        cache.derive_many([p.path for p in todo], lambda index: work(todo[index]))
        results = [ready.get(p.path) or work(p) for p in posts]  # the rest is cached now
    renderings: dict[tuple[str, str], RenderedPost] = {}
    findings: dict[str, tuple[Diagnostic, ...]] = {}
    for post, (rendered, found) in zip(posts, results, strict=True):
        renderings.update(((post.path, network), r) for network, r in rendered.items())
        if found is not None:
            findings[post.path] = found
    return Context(renderings, findings)


class _Work:
    """What ``build_context`` does for one post (in a worker process where there are many)."""

    def __init__(
        self,
        content: Content,
        config: Config,
        capabilities: Mapping[str, Capabilities],
        cache: Cache | None,
        render: Mapping[str, Collection[str]],
        check: Iterable[Post],
    ) -> None:
        self.content, self.config, self.capabilities = content, config, capabilities
        self.cache, self.render = cache, render
        self.checked = {post.path for post in check}
        self.check_key = findings_key(content, config, capabilities)
        #: while true, anything the cache does not hold raises ``_NotCached`` instead of
        #: being worked out (see ``from_cache``)
        self.cache_only = False

    def __call__(self, post: Post) -> Worked:
        """The post's renderings for the targets asked (by account name), and check's
        findings if asked."""
        targets = {t.name: t for t in self.content.targets_of(post)}
        rendered = {n: self.rendered(post, targets[n]) for n in self.render.get(post.path, ())}
        if post.path not in self.checked:
            return Worked(rendered, None)

        def find() -> list[Diagnostic]:
            measured = {n: self._measured(post, t, rendered) for n, t in targets.items()}
            return post_findings(post, measured, self.content, self.config, self.capabilities)

        if self.cache is None:
            return Worked(rendered, tuple(find()))
        return Worked(
            rendered, tuple(self.cache.derived(post.path, self.check_key, self._fresh(find)))
        )

    def _measured(
        self, post: Post, target: Target, rendered: dict[str, RenderedPost]
    ) -> Measured | None:
        """The post's rendered length and parts on ``target`` where check needs them
        (``rendered``: the renderings made for the plan, and those made here for check)."""
        if target.name not in rendered:
            caps = self.capabilities[target.network]
            if not needs_rendering(post, target.network, caps, target.name):
                return None
            rendered[target.name] = self.rendered(post, target, stored=False)
        found = rendered[target.name]
        return Measured(found.length, len(found.parts))

    def rendered(self, post: Post, target: Target, stored: bool = True) -> RenderedPost:
        """``render_post``, through the cache (``stored``: see ``Cache.derived``)."""
        network = target.network
        caps, defaults = self.capabilities[network], self.config.network_options.get(network)
        if self.cache is None:
            return render_post(post, network, caps, defaults, target.name)
        return self.cache.derived(
            post.path,
            self.cache.render_key(target.name, network, caps, defaults),
            self._fresh(lambda: render_post(post, network, caps, defaults, target.name)),
            stored,
        )

    def from_cache(self, post: Post) -> Worked | None:
        """What ``__call__`` gives for ``post`` if the cache holds all of it, else None: one
        lookup per post, where asking first and then working would take two (a warm check of
        10,000 posts spent 0.02 s on the second)."""
        self.cache_only = True
        try:
            return self(post)
        except _NotCached:
            return None
        finally:
            self.cache_only = False

    def _fresh(self, compute: Callable[[], T]) -> Callable[[], T]:
        """``compute``, or in ``cache_only`` mode a function that says it is not cached."""
        if not self.cache_only:
            return compute

        def missing() -> T:
            raise _NotCached

        return missing


class _NotCached(Exception):
    """Something ``_Work.from_cache`` needs is not in the cache."""


def _renderings_plain(worked: Worked) -> bool:
    """Whether the renderings' options come back from a worker as they are (see ``plain``)."""
    return all(plain(rendered.options) for rendered in worked.rendered.values())


#: what a worker sends back for one post (without a cache; with one, see ``Cache.derive_many``)
_WORKED = typed(Worked, _renderings_plain)
