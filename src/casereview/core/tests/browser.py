"""One way to drive Debian's Chromium in the browser journeys (Playwright, no download).

``watched_tab`` opens a tab that fails its test on any script error or console error: a script
refused by the Content Security Policy, or a missing file, shows up there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

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


AXE = Path(__file__).resolve().parents[4] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.2 AA violations on the page as it stands, one line each.

    The script is evaluated through the browser's debugging protocol, so the page's Content
    Security Policy (rightly) does not stop it and nothing is added to the page's own scripts.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        for v in results["violations"]
    ]


def expect_no_axe_violations(page: Page, where: str) -> None:
    found = axe_violations(page)
    assert not found, f"axe-core on the {where}: {found}"
