"""One way to drive Debian's Chromium in the browser journeys (Playwright, no download).

``watched_tab`` opens a tab that fails its test on any script error or console error: a script
refused by the Content Security Policy, or a missing file, shows up there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from playwright.sync_api import Page, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@contextmanager
def watched_tab(
    *,
    cookies: Iterable[dict] = (),
    allow: Callable[[str], bool] = lambda text: False,
    **context_options,
) -> Iterator[Page]:
    """A headless tab; console errors whose text ``allow`` accepts are not problems."""
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = chromium.new_context(**context_options)
        context.set_default_timeout(10_000)
        expect.set_options(timeout=10_000)
        if cookies:
            context.add_cookies(list(cookies))
        tab = context.new_page()
        problems: list[str] = []
        tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        tab.on(
            "console",
            lambda m: (
                problems.append(f"console: {m.text}")
                if m.type == "error" and not allow(m.text)
                else None
            ),
        )
        try:
            yield tab
            assert not problems, problems
        finally:
            context.close()
            chromium.close()
