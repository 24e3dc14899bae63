"""File-system tricks and hostile file names: pipes are refused, not waited on; no input is ever
written over; a loop of links is a usage error; every printed line is printable and every JSON
string strict; a killed process's temporary files do not stay forever."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import DATA, ROOT, Ethicard, _ethicard_command

MINIMAL = DATA / "minimal.yaml"


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (("check", "pipe.yaml"), "card"),
        (("check", "folder"), "card"),
        (("check", "card.yaml", "--checklist", "pipe.yaml"), "checklist"),
        (("render", "card.yaml", "-f", "html", "--template", "pipe.yaml"), "template"),
        (("render", "card.yaml", "--into", "pipe.yaml"), None),
    ],
)
def test_a_pipe_given_or_found_is_refused_not_waited_on(
    ethicard: Ethicard, tmp_path: Path, fifo: Path, args: tuple[str, ...], what: str | None
) -> None:
    shutil.copy(MINIMAL, tmp_path / "card.yaml")
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "folder" / "found.yaml")
    started = time.monotonic()
    result = ethicard(*args)
    assert time.monotonic() - started < 30
    assert result.code == 1, result.err
    message = "not a regular file (a pipe, device or socket)"
    assert message in result.out + result.err
    if what:
        assert f"(name a {what} file;" in result.out + result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    "args",
    [
        ("render", "card.yaml", "--checklist", "list.yaml", "-f", "md", "-o", "list.yaml"),
        ("render", "card.yaml", "--checklist", "list.yaml", "--into", "list.yaml"),
        ("badge", "card.yaml", "--checklist", "list.yaml", "-o", "list.yaml"),
        ("render", "card.yaml", "--checklist", "list.yaml", "-f", "md", "-o", "link.yaml"),
    ],
)
def test_the_checklist_is_never_written_over(ethicard: Ethicard, tmp_path: Path, args: tuple[str, ...]) -> None:
    shutil.copy(MINIMAL, tmp_path / "card.yaml")
    checklist = tmp_path / "list.yaml"
    shutil.copy(ROOT / "checklists" / "misyn.yaml", checklist)
    (tmp_path / "link.yaml").symlink_to("list.yaml")
    before = checklist.read_bytes()
    result = ethicard(*args)
    assert result.code == 2, result.err
    assert "refusing to write the output over the input list.yaml" in result.err
    assert checklist.read_bytes() == before


@pytest.mark.parametrize("command", [("render", "card.yaml", "-o", "loop.md"), ("badge", "card.yaml", "-o", "loop.md")])
def test_a_loop_of_links_as_output_is_a_usage_error(
    ethicard: Ethicard, tmp_path: Path, command: tuple[str, ...]
) -> None:
    shutil.copy(MINIMAL, tmp_path / "card.yaml")
    (tmp_path / "loop.md").symlink_to("other.md")
    (tmp_path / "other.md").symlink_to("loop.md")
    result = ethicard(*command)
    assert (result.code, result.out) == (2, "")
    assert result.err == "ethicard: error: loop.md: cannot be written (a loop of symbolic links)\n"


HOSTILE_NAMES = ["esc\x1b[31mred.yaml", "osc\x1b]0;title\x07.yaml", "cr\rcard.yaml", "nl\nfake.yaml: 0 problems.yaml"]


def _terminal_safe(text: str) -> None:
    for char in "\x1b\x07\r":
        assert char not in text
    for line in text.splitlines():
        assert not line.startswith("fake.yaml"), line


@pytest.mark.parametrize("fmt", ["text", "csv"])
def test_file_names_reach_the_terminal_only_as_printable_text(ethicard: Ethicard, tmp_path: Path, fmt: str) -> None:
    for name in HOSTILE_NAMES:
        shutil.copy(MINIMAL, tmp_path / name)
    (tmp_path / HOSTILE_NAMES[0]).write_text("about: [\n", encoding="utf-8")  # one broken card
    result = ethicard("check", ".", "--format", fmt)
    assert result.code == 1
    _terminal_safe(result.out + result.err)
    assert "esc\\x1b[31mred.yaml" in result.out
    assert "nl\\nfake.yaml: 0 problems.yaml" in result.out


def test_a_name_that_is_not_utf8_does_not_stop_the_batch(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path)
    shutil.copy(MINIMAL, os.fsdecode(folder + b"/caf\xe9.yaml"))
    shutil.copy(MINIMAL, tmp_path / "z-last.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ETHICARD_")}
    env.update(PYTHONIOENCODING="utf-8:strict", LC_ALL="C.UTF-8")
    for fmt in ("text", "csv", "json"):
        done = subprocess.run(
            [*_ethicard_command(), "check", ".", "--format", fmt], cwd=tmp_path, capture_output=True, env=env
        )
        out = done.stdout.decode("utf-8")  # strict: raises on anything that is not UTF-8
        assert done.returncode == 0, done.stderr
        assert "z-last.yaml" in out
        if fmt == "json":
            files = json.loads(out, strict=True)["files"]
            assert [entry["file"] for entry in files] == ["./caf\ufffd.yaml", "./z-last.yaml"]
            json.dumps(files).encode("utf-8")
            assert "\\ud" not in out.lower()
        else:
            assert "caf\\xe9.yaml" in out


def test_jobs_are_capped_at_the_cores(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import multiprocessing

    from ethicard import batch
    from ethicard.pool import cores

    asked: list[int] = []
    real_pool = multiprocessing.Pool

    def pool(processes: int, *args: object) -> object:
        asked.append(processes)
        return real_pool(processes, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(multiprocessing, "Pool", pool)
    paths = []
    for i in range(4):
        shutil.copy(MINIMAL, tmp_path / f"c{i}.yaml")
        paths.append(str(tmp_path / f"c{i}.yaml"))
    results = list(batch.check_cards(paths, max_bytes=1_000_000, jobs=1_000_000))
    assert [r.valid for r in results] == [True] * 4
    assert asked in ([], [min(cores(), 4)])
    assert all(n <= cores() for n in asked)


def test_temporary_files_left_by_a_killed_process_are_cleaned_up(ethicard: Ethicard, tmp_path: Path) -> None:
    shutil.copy(MINIMAL, tmp_path / "card.yaml")
    names = (".out.md.k3j_9xq2.tmp", ".out.md.a1b2c3d4.tmp", ".out.md.x.tmp")
    stale, fresh, other = (tmp_path / name for name in names)
    for path in (stale, fresh, other):
        path.write_text("half", encoding="utf-8")
    hours_ago = time.time() - 2 * 3600
    for path in (stale, other):
        os.utime(path, (hours_ago, hours_ago))
    assert ethicard("render", "card.yaml", "-o", "out.md").code == 0
    assert not stale.exists()
    assert fresh.exists() and other.exists()  # maybe another process's; not a name of ours


# --- a researcher's own HTML template, printed to PDF: no script, no file, no address ------


def test_a_custom_template_printed_to_pdf_runs_no_script_and_loads_nothing(ethicard: Ethicard, tmp_path: Path) -> None:
    import http.server
    import threading

    from conftest import require_tool

    pdftotext = require_tool("pdftotext")
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"body::after { content: 'NETWORKCSS'; }")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRETFILE", encoding="utf-8")
    (tmp_path / "t.html.j2").write_text(
        f'<!DOCTYPE html><html><head><link rel="stylesheet" href="{url}/a.css">'
        f'<meta http-equiv="refresh" content="0; url={secret.as_uri()}"></head><body>'
        "<p id=x>STATIC {{ card.about.name }}</p>"
        "<script>document.getElementById('x').textContent = 'SCRIPTRAN';</script>"
        f'<iframe src="{secret.as_uri()}"></iframe><img src="{url}/i.png"><object data="{secret.as_uri()}"></object>'
        "</body></html>",
        encoding="utf-8",
    )
    shutil.copy(MINIMAL, tmp_path / "card.yaml")
    try:
        result = ethicard("render", "card.yaml", "--template", "t.html.j2", "-o", "card.pdf")
    finally:
        server.shutdown()
        server.server_close()  # an open listening socket would be a ResourceWarning, and warnings are errors
    assert result.code == 0, result.err
    text = subprocess.run(
        [pdftotext, tmp_path / "card.pdf", "-"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert "STATIC Tiny synthetic dermoscopy set" in text
    assert "SCRIPTRAN" not in text and "SECRETFILE" not in text and "NETWORKCSS" not in text
    assert requests == []
    html = ethicard("render", "card.yaml", "--template", "t.html.j2", "-f", "html")
    assert html.out.startswith('<!DOCTYPE html><meta http-equiv="Content-Security-Policy" content="default-src')
    assert "refresh" not in html.out


def test_ctrl_c_while_printing_stops_chromium_and_leaves_no_temporary_folder(tmp_path: Path) -> None:
    import signal

    shutil.copy(ROOT / "examples" / "cxr-ldm" / "card.yaml", tmp_path / "card.yaml")
    scratch = tmp_path / "tmp"  # this run's own temporary folder: other runs may print PDFs too
    scratch.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ETHICARD_")}
    env["TMPDIR"] = str(scratch)
    process = subprocess.Popen(
        [*_ethicard_command(), "render", "card.yaml", "-o", "card.pdf"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 60
    while not list(scratch.glob("ethicard-pdf-*/profile/*")) and time.monotonic() < deadline:
        time.sleep(0.02)  # until Chromium has started writing its profile
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode in (0, 130), err
    assert "internal error" not in err and "Traceback" not in err
    assert [p.name for p in scratch.iterdir() if not p.name.startswith("_jinja2-cache")] == []
    leftover = subprocess.run(["pgrep", "-f", f"user-data-dir={scratch}"], capture_output=True, text=True)
    assert leftover.stdout == ""  # no Chromium left running
