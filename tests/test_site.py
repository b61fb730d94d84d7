"""The course website in a real browser: build it, serve it on 127.0.0.1, load every page.

A page fails on a console error, a failed or refused request (the machine is offline, so any asset
from the internet fails too), or an image that did not render. A lesson page also fails when a
cell that has an output in the notebook shows none, or when its Binder and download links are
missing. A screenshot of each page goes to test-artifacts/site/ (git-ignored).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

import nbformat
import pytest
from browser_support import ARTIFACTS, ROOT, chromium, screenshot_path

from tools.build_site import OUT, build_site

LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep pytest's output readable
        pass


@pytest.fixture(scope="module")
def site() -> dict:
    """A fresh build, served on a free port of 127.0.0.1, and one Chromium for every page."""
    shutil.rmtree(ARTIFACTS / "site", ignore_errors=True)
    seconds, pages = build_site()
    print(f"\nsite built from scratch in {seconds:.1f} s: {len(pages)} pages")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(OUT)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with chromium() as browser:
            yield {"url": f"http://127.0.0.1:{server.server_port}/", "pages": pages,
                   "browser": browser}
    finally:
        server.shutdown()
        server.server_close()


def _visit(site: dict, relative: str, full_page: bool = False, lands_on: str | None = None):
    """Open one page; return it with every problem seen while it loaded."""
    page = site["browser"].new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"HTTP {r.status}: {r.url}"))
    page.goto(site["url"] + relative, wait_until="load")
    if lands_on:  # a redirect: check the page it lands on
        page.wait_for_url(f"**/{lands_on}", wait_until="load")
    broken = page.eval_on_selector_all(
        "img", "imgs => imgs.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
    )
    problems += [f"image did not render: {src}" for src in broken]
    page.screenshot(path=screenshot_path("site", relative.removesuffix(".html") or "root"),
                    full_page=full_page)
    return page, problems


def test_every_page_loads_without_errors_failed_requests_or_broken_images(site):
    assert len(site["pages"]) >= len(LESSONS) + 4, site["pages"]  # home, lessons, guide, API
    start = time.perf_counter()
    failures = {}
    for path in site["pages"]:
        relative = path.relative_to(OUT).as_posix()
        page, problems = _visit(site, relative)
        page.close()
        if problems:
            failures[relative] = problems
    print(f"\nloaded {len(site['pages'])} pages in {time.perf_counter() - start:.1f} s")
    assert not failures, json.dumps(failures, indent=1)


def test_root_opens_the_home_page_with_every_lesson_in_the_navigation(site):
    page, problems = _visit(site, "", lands_on="README.html")
    try:
        assert not problems, problems
        nav = page.eval_on_selector_all("nav a", "links => links.map(a => a.getAttribute('href'))")
        for lesson in LESSONS:
            assert any(href and href.endswith(f"notebooks/{lesson.stem}.html") for href in nav), (
                f"{lesson.stem} is not in the site's navigation: {nav}"
            )
    finally:
        page.close()


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda p: p.stem[:2])
def test_lesson_page_shows_every_stored_output_and_its_links(site, lesson):
    page, problems = _visit(site, f"notebooks/{lesson.stem}.html", full_page=True)
    try:
        assert not problems, problems

        # Cell by cell, in order: a code cell with a stored output shows a non-empty output.
        code = [c for c in nbformat.read(lesson, as_version=4).cells if c.cell_type == "code"]
        shown = page.eval_on_selector_all(
            "div.cell",
            """cells => cells.map(c => {
                const out = c.querySelector('.cell_output');
                return out === null ? null
                    : out.innerText.trim().length + out.querySelectorAll('img, table').length;
            })""",
        )
        assert len(shown) == len(code), f"{len(shown)} cells on the page, {len(code)} in the notebook"
        empty = [i for i, (cell, size) in enumerate(zip(code, shown, strict=True))
                 if cell.outputs and not size]
        assert not empty, f"code cells {empty} (0-based) have stored outputs the page does not show"

        # Launch on Binder, at this lesson, and download this very notebook.
        binder = page.get_by_role("link", name="Launch on Binder")
        href = binder.get_attribute("href")
        assert href.startswith("https://mybinder.org/v2/gh/"), href
        assert href.endswith(f"?urlpath=lab/tree/notebooks/{lesson.name}"), href
        download = page.get_by_role("link", name="Download the notebook")
        target = download.get_attribute("href")
        assert unquote(target).endswith(lesson.name), target
        served = page.request.get(page.url.rsplit("/", 1)[0] + "/" + target)
        assert served.ok, f"the download link {target} answers HTTP {served.status}"
        assert json.loads(served.body()) == json.loads(lesson.read_text()), (
            f"the downloadable {lesson.name} differs from the repository's"
        )
    finally:
        page.close()



def test_the_build_fails_on_a_broken_link_or_a_missing_image(tmp_path):
    """The site's configuration turns a broken internal link or a missing picture into a failure."""
    shutil.copytree(ROOT / "docs", tmp_path / "docs", ignore=shutil.ignore_patterns("_build", "_api"))
    readme = (ROOT / "README.md").read_text()
    (tmp_path / "README.md").write_text(
        readme + "\n\nSee [the missing lesson](notebooks/99_missing.ipynb).\n\n![a chart](missing.png)\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-n", "-q",
         "-D", "include_patterns=README.md", "-c", "docs", ".", str(tmp_path / "out")],
        cwd=tmp_path, capture_output=True, text=True,
    )
    assert run.returncode != 0, run.stderr
    assert "99_missing.ipynb" in run.stderr, run.stderr
    assert "missing.png" in run.stderr, run.stderr
