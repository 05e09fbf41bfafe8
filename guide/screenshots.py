"""Screenshots of course notebooks, for handouts, slides and the issue's closing note.

    python3 -m venv /tmp/shots && /tmp/shots/bin/pip install playwright   # scratch venv only
    apt-get install -y chromium fonts-noto-cjk                            # Debian / Ubuntu
    /tmp/shots/bin/python guide/screenshots.py \\
        notebooks/zh/00_start_here.ipynb notebooks/zh/01_trust_survey.ipynb --out guide/screenshots
    /tmp/shots/bin/python guide/screenshots.py --lab notebooks/index.ipynb --out guide/screenshots

Each notebook is rendered to HTML with nbconvert (run by the course's own Python,
``.venv/bin/python``, or ``--nbconvert-python``), then Chromium, driven by playwright,
takes two PNGs: ``NAME.png``, the first screen (1280 × 900, small enough to commit), and
``NAME_full.png``, the whole page (large; not committed, see .gitignore). The editions in
``notebooks/zh/`` carry their outputs; a source without outputs needs ``--execute``.
playwright is not one of the course's dependencies, and ``playwright install`` is not
needed: the system's Chromium (``--chromium``, default /usr/bin/chromium) is used.
Without network the page still renders; only MathJax (formulas) then stays as TeX.
``--lab`` instead screenshots JupyterLab itself (Chinese menus, as ``make lab`` opens it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VIEWPORT = {"width": 1280, "height": 900}


def default_nbconvert_python() -> str:
    """The course venv's Python when it exists (it has nbconvert), else this one.

    Examples
    --------
    >>> Path(default_nbconvert_python()).name.startswith("python")
    True
    """
    for candidate in (ROOT / ".venv" / "bin" / "python", ROOT / ".venv" / "Scripts" / "python.exe"):
        if candidate.exists():
            return str(candidate)
    return sys.executable


def to_html(notebook: Path, out_dir: Path, *, python: str, execute: bool = False) -> Path:
    """Render ``notebook`` to ``out_dir/NAME.html`` with nbconvert; return the path.

    Examples
    --------
    >>> to_html(Path("notebooks/zh/00_start_here.ipynb"), Path("/tmp"),
    ...         python=default_nbconvert_python())  # doctest: +SKIP
    PosixPath('/tmp/00_start_here.html')
    """
    cmd = [python, "-m", "nbconvert", "--to", "html", "--output-dir", str(out_dir)]
    if execute:
        cmd += ["--execute", "--ExecutePreprocessor.timeout=600"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                                    os.environ.get("PYTHONPATH")]))}
    subprocess.run([*cmd, str(notebook)], check=True, env=env, cwd=notebook.parent)
    return out_dir / f"{notebook.stem}.html"


def _open_page(playwright: Any, chromium: str) -> tuple[Any, Any]:
    """The system's Chromium, headless, and one Chinese-locale page of the screenshots' size.

    Without the background-networking flags Chromium keeps trying hosts a closed network
    refuses."""
    browser = playwright.chromium.launch(executable_path=chromium, args=[
        "--no-sandbox", "--disable-background-networking", "--disable-component-update"])
    return browser, browser.new_page(viewport=VIEWPORT, locale="zh-CN")


def shoot(pages: list[Path], out: Path, *, chromium: str) -> list[Path]:
    """Screenshot each HTML page: ``NAME.png`` (first screen) and ``NAME_full.png``.

    Examples
    --------
    >>> shoot([Path("/tmp/00_start_here.html")], Path("shots"),
    ...       chromium="/usr/bin/chromium")  # doctest: +SKIP
    [PosixPath('shots/00_start_here.png'), PosixPath('shots/00_start_here_full.png')]
    """
    from playwright.sync_api import sync_playwright  # the scratch venv's, not the course's

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as p:
        browser, page = _open_page(p, chromium)
        for html in pages:
            try:
                page.goto(html.resolve().as_uri(), wait_until="networkidle", timeout=30_000)
            except Exception:  # offline: CDN scripts (MathJax) never load; the page is there
                page.goto(html.resolve().as_uri(), wait_until="domcontentloaded")
            first, full = out / f"{html.stem}.png", out / f"{html.stem}_full.png"
            page.screenshot(path=str(first))
            page.screenshot(path=str(full), full_page=True)
            written += [first, full]
        browser.close()
    return written


def shoot_lab(paths: list[str], out: Path, *, python: str, chromium: str,
              port: int = 8899) -> list[Path]:
    """Screenshot JupyterLab itself, as ``make lab`` opens it, with each of ``paths`` open.

    Starts ``jupyter lab`` from the course's Python on ``port`` (no browser, no token, the
    settings ``make lab`` installs, so the menus are Chinese), opens each path (relative to the
    project, e.g. ``notebooks/index.ipynb``) and writes ``lab_NAME.png``.

    Examples
    --------
    >>> shoot_lab(["notebooks/index.ipynb"], Path("shots"), python=default_nbconvert_python(),
    ...           chromium="/usr/bin/chromium")  # doctest: +SKIP
    [PosixPath('shots/lab_index.png')]
    """
    import time
    import urllib.request

    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    server = subprocess.Popen(
        [python, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--allow-root",
         "--IdentityProvider.token=", "--ServerApp.password=", f"--ServerApp.root_dir={ROOT}"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    written = []
    try:
        for _ in range(120):  # JupyterLab takes a few seconds to start
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/lab", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser, page = _open_page(p, chromium)
            for path in paths:
                page.goto(f"http://127.0.0.1:{port}/lab/tree/{path}", timeout=60_000)
                page.wait_for_selector(".jp-Notebook", timeout=60_000)
                page.wait_for_timeout(3000)  # the notebook's Markdown renders after it opens
                target = out / f"lab_{Path(path).stem}.png"
                page.screenshot(path=str(target))
                written.append(target)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "guide" / "screenshots")
    parser.add_argument("--execute", action="store_true", help="run notebooks without outputs")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--nbconvert-python", default=default_nbconvert_python())
    parser.add_argument("--lab", action="store_true",
                        help="screenshot JupyterLab with each notebook open (as make lab shows it)")
    args = parser.parse_args(argv)
    if args.lab:
        paths = [nb.resolve().relative_to(ROOT).as_posix() for nb in args.notebooks]
        for path in shoot_lab(paths, args.out, python=args.nbconvert_python,
                              chromium=args.chromium):
            print(f"{path}  {path.stat().st_size / 1e6:.2f} MB")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        pages = [to_html(nb.resolve(), Path(tmp), python=args.nbconvert_python,
                         execute=args.execute) for nb in args.notebooks]
        for path in shoot(pages, args.out, chromium=args.chromium):
            print(f"{path}  {path.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
