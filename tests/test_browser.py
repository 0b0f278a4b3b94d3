"""Widgets and equations in a real browser (Debian's chromium driven by Playwright).

* Voilà serves notebook 01 on 127.0.0.1 (it runs every cell and renders the widgets); the test presses
  the arrow key on the "temperature" slider handle and asserts that the loss label (CSS class
  ``w2v-loss``) and the plotted probabilities changed. ``test_dead_widget_is_detected`` feeds the same
  check a notebook whose slider is not wired to anything and asserts the check fails, so the main test
  cannot pass on a widget that does not respond.
* The book page of notebook 07 (built here for that notebook only, ~notebook run time; the full build is
  ``bash book/build.sh``) must show MathJax output, no raw ``$$``, no console errors and no request
  leaving the machine.

Screenshots go to ``artifacts/`` (gitignored). Skipped only when no chromium is installed (CI installs
Debian's ``chromium``) or when playwright/voila are missing.
"""
import contextlib
import functools
import http.server
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed (CI: apt-get install -y chromium)"),
]


def _notebook(nn):
    found = sorted((ROOT / "notebooks").glob(f"{nn}_*.ipynb"))
    if not found:
        pytest.skip(f"notebook {nn} is not in the repository yet")
    return found[0]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip package playwright not installed")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@contextlib.contextmanager
def voila(notebook: Path):
    """Serve ``notebook`` with Voilà on a free localhost port; yield its URL."""
    pytest.importorskip("voila", reason="pip package voila not installed")
    port = _free_port()
    log = open(ARTIFACTS / f"voila-{notebook.stem}.log", "w")
    env = dict(os.environ, MPLBACKEND="module://matplotlib_inline.backend_inline")
    proc = subprocess.Popen(
        [sys.executable, "-m", "voila", notebook.name, "--no-browser", f"--port={port}",
         "--Voila.ip=127.0.0.1", "--show_tracebacks=True"],
        cwd=notebook.parent, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(300):
            try:  # the port accepts connections once the server is up
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(f"voila exited; see {log.name}")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def slider_changes_output(browser, url, shot):
    """Open ``url``, move the temperature slider; return (before, after) of the loss label and plots."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(url, timeout=120_000)
    slider = page.locator(".widget-slider", has=page.locator("label", has_text="temperature")).first
    slider.wait_for(timeout=120_000)
    loss = page.locator(".w2v-loss").first
    loss.wait_for(timeout=30_000)
    slider.scroll_into_view_if_needed()

    def state():
        imgs = page.locator(".jp-OutputArea-output img, .output_area img, img")
        return loss.inner_text(), [imgs.nth(i).get_attribute("src") for i in range(imgs.count())]

    before = state()
    page.screenshot(path=str(ARTIFACTS / f"{shot}-before.png"), full_page=False)
    handle = slider.locator(".noUi-handle, .ui-slider-handle, [role=slider]").first
    handle.focus()
    for _ in range(5):
        handle.press("ArrowRight")
    page.wait_for_timeout(300)
    deadline = time.time() + 10
    after = state()
    while after == before and time.time() < deadline:
        page.wait_for_timeout(250)
        after = state()
    slider.screenshot(path=str(ARTIFACTS / f"{shot}-slider.png"))
    page.screenshot(path=str(ARTIFACTS / f"{shot}-after.png"), full_page=False)
    page.close()
    return before, after


def test_temperature_slider_changes_loss_and_plot(browser):
    nb = _notebook("01")
    with voila(nb) as url:
        (loss0, imgs0), (loss1, imgs1) = slider_changes_output(browser, url, "01-voila")
    assert loss0.strip(), "the loss label is empty"
    assert loss1 != loss0, f"moving the temperature slider left the loss at {loss0!r}"
    if imgs0:
        assert imgs1 != imgs0, "moving the temperature slider left the probability plot unchanged"


def test_dead_widget_is_detected(browser, tmp_path):
    """The same check on a slider wired to nothing must report 'no change'."""
    nbformat = pytest.importorskip("nbformat")
    code = (
        "import ipywidgets as W\nfrom IPython.display import display\n"
        "s = W.FloatSlider(value=1.0, min=0.1, max=5.0, step=0.1, description='temperature')\n"
        "lab = W.Label('loss = 1.2345')\nlab.add_class('w2v-loss')\n"
        "display(W.VBox([s, lab]))  # no s.observe(...): the label never follows the slider\n"
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "01_dead.ipynb"
    nbformat.write(nb, str(path))
    with voila(path) as url:
        (loss0, _), (loss1, _) = slider_changes_output(browser, url, "dead-widget")
    assert loss0 == loss1 == "loss = 1.2345"


# ------------------------------------------------------------------ the book page of notebook 07
def _make():
    spec = importlib.util.spec_from_file_location("book_make", ROOT / "book" / "make.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@contextlib.contextmanager
def serve(directory: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(directory))
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}/"
    finally:
        srv.shutdown()
        srv.server_close()


def check_book_page(browser, html_dir: Path, page_name: str, shot: str, mathjax3: bool = True):
    """Open a built page; return (console errors, external requests, #MathJax containers, raw $$ text)."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors, external = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if r.request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    with serve(html_dir) as base:
        page.goto(base + page_name, wait_until="networkidle", timeout=120_000)
        if mathjax3:  # the book
            page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
                " && document.querySelectorAll('mjx-container').length > 0", timeout=60_000)
            page.evaluate("() => MathJax.startup.promise")
            n_math = page.locator("mjx-container").count()
        else:  # nbconvert's slides use MathJax 2
            page.wait_for_function(
                "() => window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0"
                " && document.querySelectorAll('.MathJax_CHTML').length > 0", timeout=60_000)
            n_math = page.locator(".MathJax_CHTML").count()
        raw = page.evaluate("() => document.querySelector('main, article, body').innerText")
        page.screenshot(path=str(ARTIFACTS / f"{shot}.png"), full_page=False)
    page.close()
    return errors, external, n_math, raw


@pytest.fixture(scope="module")
def book07(tmp_path_factory):
    nb = _notebook("07")
    if not (ROOT / "book" / "node_modules" / "mathjax").is_dir():
        pytest.skip("book/node_modules missing: run `bash book/build.sh` (npm ci) once")
    out = tmp_path_factory.mktemp("book07")
    assert _make().main(["--only", "07", "--build-dir", str(out)]) == 0
    return out / "_build" / "html", nb.stem + ".html"


def test_book_page_07_renders_equations_offline(browser, book07):
    html_dir, name = book07
    errors, external, n_math, raw = check_book_page(browser, html_dir, name, "07-book")
    assert not external, f"the page tried to reach the network: {external}"
    assert not errors, f"console errors: {errors}"
    assert n_math > 0, "no MathJax output on the page"
    assert "$$" not in raw and "\\tag{" not in raw, "raw TeX left on the page"


def test_slides_07_render_equations_offline(browser, book07):
    html_dir, name = book07
    deck = name.replace(".html", ".slides.html")
    errors, external, n_math, raw = check_book_page(browser, html_dir / "slides", deck, "07-slides",
                                                    mathjax3=False)
    assert not external, f"the slides tried to reach the network: {external}"
    assert not errors, f"console errors: {errors}"
    assert n_math > 0, "no MathJax output on the slides"
