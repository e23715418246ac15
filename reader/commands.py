"""Command palette providers: jump to a paper by title or id, switch views, search again.

Titles and author names are data: hits and their help are built from ``Content(text)`` and
never from Textual's ``Matcher.highlight`` (it parses its candidate as markup).
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from reader.screens.main import MainScreen
from reader.widgets.rows import display_safe

MAX_PAPER_HITS = 40


def _data(text: str) -> str:
    """Help text that the palette shows as it is.

    The palette parses a ``str`` help as markup (``Content.from_markup(hit.help)``): an author
    named ``[link=https://evil.example]x`` became a live link, and ``[/`` crashed it. A
    ``Content`` goes through ``from_markup`` untouched, so we hand it one; ``Hit.help`` is typed
    ``str`` only, hence the cast.
    """
    return cast(str, Content(text))


def _main(provider: Provider) -> MainScreen | None:
    screen = provider.screen
    return screen if isinstance(screen, MainScreen) else None


class PaperProvider(Provider):
    """Papers whose title contains the typed text, or whose id starts with it."""

    async def search(self, query: str) -> Hits:
        main = _main(self)
        needle = query.strip().lower()
        if main is None or len(needle) < 2:
            return
        records = main.controller.data.records
        found = 0
        for n, record in enumerate(records.values()):
            if n % 2000 == 0:
                await asyncio.sleep(0)  # stay responsive while scanning 100,000 titles
            paper = record.paper
            # A cache written by another tool may hold escapes: the palette draws titles too.
            title = display_safe(paper.title) or "(untitled)"
            if paper.id.startswith(needle):
                score, start = 1.0, -1
            else:
                start = title.lower().find(needle)
                if start < 0:
                    continue
                score = 0.9 if start == 0 else 0.8 - min(start, 60) / 200
            display = Content.assemble((paper.id, "dim"), "  ", Content(title))
            if start >= 0:
                offset = len(paper.id) + 2 + start
                display = display.stylize("bold underline", offset, offset + len(needle))
            names = display_safe(", ".join(a.name for a in paper.visible_authors[:3]))
            yield Hit(score, display, partial(main.jump_to, paper.id), text=f"{paper.id} {title}",
                      help=_data(names) if names else None)
            found += 1
            if found >= MAX_PAPER_HITS:
                return


class ViewProvider(Provider):
    """Every view in the filter pane."""

    def _hits(self) -> list[tuple[str, str]]:
        main = _main(self)
        if main is None:
            return []
        return [(f"View: {v.label}", v.key) for v in main.controller.views()]

    async def discover(self) -> Hits:
        main = _main(self)
        if main is None:
            return
        for text, key in self._hits():
            yield DiscoveryHit(Content(display_safe(text)), partial(main.switch_view, key),
                               text=text)

    async def search(self, query: str) -> Hits:
        main = _main(self)
        if main is None:
            return
        matcher = self.matcher(query)
        for text, key in self._hits():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, Content(display_safe(text)), partial(main.switch_view, key),
                      text=text)


class SearchProvider(Provider):
    """The last remote searches: pick one to search huggingface.co for it again."""

    def _hits(self) -> list[tuple[str, str]]:
        main = _main(self)
        if main is None:
            return []
        return [(f"Search again: {text}", text) for text in main.controller.recent_searches()]

    async def discover(self) -> Hits:
        main = _main(self)
        if main is None:
            return
        for text, words in self._hits():
            yield DiscoveryHit(Content(display_safe(text)), partial(main.net.search, words),
                               text=text)

    async def search(self, query: str) -> Hits:
        main = _main(self)
        if main is None:
            return
        matcher = self.matcher(query)
        for text, words in self._hits():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, Content(display_safe(text)), partial(main.net.search, words),
                          text=text)
