"""PDF output: the HTML card printed by headless Chromium.

Chromium is a system tool, not a Python dependency: Debian's ``chromium`` package, or any binary
named by ``ETHICARD_CHROMIUM``.  It runs with a fresh profile in a temporary folder, without
network services, and the HTML it prints fetches nothing (its Content-Security-Policy forbids it).
PDF files are not byte-identical across runs: Chromium stamps each with its creation date.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import EnvironmentFailure

if TYPE_CHECKING:
    import subprocess

ENV_VARIABLE = "ETHICARD_CHROMIUM"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_SECONDS = 120.0
# The bundled HTML card's policy: nothing is loaded but the page's own inline styles.  Every page
# printed, and every page a researcher's own template makes, gets it as its first element.
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
_POLICY_META = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
_DOCTYPE = re.compile(r"\A\s*<!doctype[^>]*>", re.IGNORECASE)
_REFRESH = re.compile(r"<meta\b[^>]*http-equiv\s*=\s*[\"']?\s*refresh[^>]*>", re.IGNORECASE)
MISSING = f"PDF output needs Chromium: install Debian's 'chromium' package or set {ENV_VARIABLE}"


class PdfError(EnvironmentFailure):
    """Chromium is missing, or failed to print the card."""


def find_chromium() -> str:
    """The Chromium binary: ``$ETHICARD_CHROMIUM`` when set, else the first candidate on ``PATH``."""
    chosen = os.environ.get(ENV_VARIABLE, "").strip()
    if chosen:
        found = shutil.which(chosen)
        if found is None:
            raise PdfError(f"{MISSING} ({ENV_VARIABLE}={chosen} is not an executable program)")
        return found
    for name in CANDIDATES:
        found = shutil.which(name)
        if found is not None:
            return found
    raise PdfError(MISSING)


def locked_down(html: str) -> str:
    """The page with the bundled Content-Security-Policy first (after the doctype), so that no
    element can load a file, an address or a script, and without ``<meta http-equiv=refresh>``,
    the one way left to leave the page (to a ``file://`` address, say) with scripts off."""
    html = _REFRESH.sub("", html)
    doctype = _DOCTYPE.match(html)
    at = doctype.end() if doctype else 0
    return html[:at] + _POLICY_META + html[at:]


def chromium_command(binary: str, profile: Path, html: Path, pdf: Path) -> list[str]:
    """Headless Chromium printing ``html`` to ``pdf``, with no sandbox (it runs as root in
    containers), no GPU, none of the background services that would reach the network, and a
    proxy and resolver that lead nowhere should a page still try to.  Scripts are kept from
    running by the page's policy (:func:`locked_down`: no script source is allowed, inline or
    not); Chromium's own switch for it, ``--blink-settings=scriptEnabled=false``, stops headless
    printing altogether."""
    return [
        binary,
        "--headless",
        "--proxy-server=http://127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--mute-audio",
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        html.as_uri(),
    ]


def html_to_pdf(html: str, *, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """Print an HTML page to PDF with headless Chromium and return the PDF's bytes."""
    binary = find_chromium()
    with tempfile.TemporaryDirectory(prefix="ethicard-pdf-", ignore_cleanup_errors=True) as folder:
        try:
            return _print(binary, Path(folder), html, timeout)
        finally:
            shutil.rmtree(folder, ignore_errors=True)  # Chromium's helpers may still be writing to it


def _print(binary: str, work: Path, html: str, timeout: float) -> bytes:
    """Print the locked-down page with Chromium in ``work``; the PDF's bytes."""
    import subprocess  # only when printing a PDF: every HTML render imports this module

    page, output, profile = work / "card.html", work / "card.pdf", work / "profile"
    page.write_text(locked_down(html), encoding="utf-8", newline="")
    profile.mkdir()
    environment = {**os.environ, "HOME": str(work), "TMPDIR": str(work)}  # all its files in one folder
    try:
        process = subprocess.Popen(
            chromium_command(binary, profile, page, output),
            cwd=work,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=True,  # its own process group, so a timeout ends all its helpers
        )
    except OSError as exc:
        raise PdfError(f"Chromium ({binary}) could not be started: {exc.strerror or exc}") from exc
    try:
        _, errors = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        _end_group(process)
        raise PdfError(f"Chromium ({binary}) did not print the PDF within {timeout:g} seconds") from exc
    except BaseException:  # Ctrl-C: Chromium runs in its own session and would carry on
        _end_group(process)
        raise
    data = output.read_bytes() if output.is_file() else b""
    if process.returncode != 0 or not data.startswith(b"%PDF"):
        detail = " ".join(errors.strip().splitlines()[-3:])[-500:]
        raise PdfError(
            f"Chromium ({binary}) failed to print the PDF (exit code {process.returncode})"
            + (f": {detail}" if detail else "")
        )
    return data


def _end_group(process: subprocess.Popen[str], patience: float = 5.0) -> None:
    """Kill Chromium's process group, reap Chromium, and wait (a few seconds at most) until its
    helpers are gone too: SIGKILL takes effect a moment later, and a command that ends at once
    (``os._exit``) would otherwise leave them for an instant after it."""
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except (ProcessLookupError, PermissionError):
            return
        time.sleep(0.01)
