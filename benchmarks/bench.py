#!/usr/bin/env python3
"""ethicard's speed next to its peers, measured in one run (not part of the test suite).

Start-up: whole processes, the same Python for all, median wall time of interleaved repeated runs and
the peak memory (RSS) of each:

* ``deon``: prints a blank data-science ethics checklist and validates nothing;
* a script rendering a Hugging Face ``ModelCard.from_template`` (``huggingface_hub``);
* ``ethicard --help``, ``ethicard check card.yaml`` and ``ethicard render card.yaml -o card.md``
  (and ``-o card.html`` when this ethicard renders HTML).

Batch: N generated cards (varied statuses and kinds, about one in twenty broken on purpose) checked
with ``ethicard check DIR --jobs J --format csv``: cards per second and the peak memory of the largest
process, at each N, so that a memory that grows with N shows.  The summary is parsed to make sure
every card was checked and every broken one was caught.

Run it with the Python that has ethicard installed (``pip install .``); the peers come from the same
Python (``pip install deon huggingface_hub``) and are reported as missing, not fatal, when absent::

    python benchmarks/bench.py                         # start-up, then 1,000 and 10,000 cards
    python benchmarks/bench.py --cards 200 --repeat 5  # a quick look
"""

from __future__ import annotations

import argparse
import copy
import csv
import datetime
import importlib.util
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "cxr-ldm" / "card.yaml"
MINIMAL = ROOT / "tests" / "data" / "minimal.yaml"
PEERS = {"deon": "deon", "huggingface_hub": "huggingface_hub"}
BATCH_CPU_MS_TARGET = 1.5  # CPU per card, all processes, at 10,000 cards
INSTALL_PEERS = "pip install deon huggingface_hub"

HF_SCRIPT = """\
import sys
from huggingface_hub import ModelCard, ModelCardData

data = ModelCardData(language="en", license="cc-by-nc-4.0", library_name="diffusers",
                     tags=["medical-imaging", "synthetic-images", "chest-x-ray"])
card = ModelCard.from_template(
    data,
    model_id="cxr-ldm",
    model_summary="A latent diffusion model that generates synthetic images of frontal chest X-rays.",
    developers="Northfield Medical Imaging Lab",
    direct_use="Augmenting classifier training data, always tested on held-out medical images.",
    out_of_scope_use="Diagnosis; presenting synthetic images as medical images.",
)
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write(str(card))
"""


# --- running commands --------------------------------------------------------------------------


@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds, the process and its children
    rss_kb: int  # peak resident memory of the process or of its largest child process
    code: int


def _gnu_time() -> str | None:
    """GNU time, whose %M is the peak RSS of the command alone; None when it is not installed."""
    found = shutil.which("time", path="/usr/bin:/bin")
    if found is None:
        return None
    done = subprocess.run([found, "-f", "%M", "true"], capture_output=True, text=True, check=False)
    return found if done.returncode == 0 and done.stderr.strip().isdigit() else None


GNU_TIME = _gnu_time()
RSS_NOTE = (
    "peak RSS as measured by GNU time (/usr/bin/time)"
    if GNU_TIME
    else "GNU time (/usr/bin/time) is not installed, so peak RSS comes from wait4, which on Linux also counts "
    "this benchmark's own memory when it starts each command: read it as an upper bound"
)


def run(command: Sequence[str], cwd: Path, env: dict[str, str], stdout: Any = subprocess.DEVNULL) -> Run:
    """One whole process: wall time from start to exit, CPU time and peak RSS."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss", encoding="utf-8") as rss_file:
        full = [GNU_TIME, "-f", "%M", "-o", rss_file.name, *command] if GNU_TIME else list(command)
        start = time.perf_counter()
        process = subprocess.Popen(full, cwd=cwd, env=env, stdout=stdout, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        rss = usage.ru_maxrss
        if GNU_TIME:
            words = rss_file.read().split()
            rss = int(words[-1]) if words and words[-1].isdigit() else 0
    return Run(wall, usage.ru_utime + usage.ru_stime, rss, process.returncode)


@dataclass
class Timing:
    name: str
    median: float
    spread: tuple[float, float]
    cpu: float
    rss_mb: float


def time_commands(commands: dict[str, list[str]], cwd: Path, env: dict[str, str], repeat: int) -> list[Timing]:
    """Median wall time per command; rounds interleave the commands so load changes hit all alike."""
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for name, command in commands.items():  # warm-up: file system cache, .pyc files, template cache
        first = run(command, cwd, env)
        if first.code != 0:
            raise SystemExit(f"benchmark: '{name}' failed (exit {first.code}): {' '.join(command)}")
    for _ in range(repeat):
        for name, command in commands.items():
            runs[name].append(run(command, cwd, env))
    timings = []
    for name, done in runs.items():
        walls = [r.wall for r in done]
        cpu = statistics.median(r.cpu for r in done)
        rss = max(r.rss_kb for r in done) / 1024
        timings.append(Timing(name, statistics.median(walls), (min(walls), max(walls)), cpu, rss))
    return timings


# --- generated cards ---------------------------------------------------------------------------

SENTENCES = (
    "Every synthetic image carries a PNG text chunk and a C2PA credential with digital source type "
    "trainedAlgorithmicMedia, written by the sampling script.",
    "The paper and the repository call the outputs synthetic images throughout and never describe them as "
    "medical images or as realistic.",
    "Downstream utility was measured on a held-out test set of medical images from patients who took no part "
    "in training the model.",
    "A board-certified radiologist reviewed 200 synthetic images for anatomical plausibility; 14 showed "
    "implausible rib or clavicle shapes.",
    "Nearest-neighbour search in a self-supervised embedding flagged 0.3% of 10,000 synthetic images as "
    "near-copies of training medical images; they were removed before release.",
    "The clinical need came from the emergency department, where pneumothorax without a chest drain is rare "
    "in the training data.",
    "Results are reported per sex, age band and scanner manufacturer; the model under-represents patients "
    "over 80 and portable AP images.",
    "Stakeholders can raise concerns through the contact address; requests to withdraw the release are "
    "answered within 30 days.",
    "Ethics approval: Northfield University Research Ethics Board, NU-REB-2022-0147; informed consent was "
    "waived for retrospective data.",
    "We did not evaluate the synthetic images in a prospective clinical workflow, and say so in the "
    "limitations section.",
    "Synthetic images cannot show presentations absent from the training medical images, so rare findings "
    "remain under-represented.",
    "Weights are released under CC-BY-NC-4.0 with use conditions that forbid presenting synthetic images as "
    "medical images.",
)
EVIDENCE = (
    "Paper, Section 3.2",
    "README, 'Labelling' section",
    "Supplementary Table S4",
    "https://example.org/cxr-ldm",
)
STATUS_WEIGHTS = {"addressed": 50, "partial": 20, "not addressed": 10, "not applicable": 5, "unanswered": 15}


def _answer_text(rng: random.Random) -> str:
    return " ".join(rng.sample(SENTENCES, rng.randint(2, 5)))


def _fallback_base(checklist: Any) -> dict[str, Any]:
    """tests/data/minimal.yaml, with every item answered and a structured evaluation added."""
    from ethicard import loader

    data: dict[str, Any] = loader.load(MINIMAL).data
    rng = random.Random(0)
    data["about"].update(
        kind="model",
        name="CXR-LDM",
        modality="chest X-ray (frontal, adults)",
        intended_uses=[SENTENCES[2], SENTENCES[11]],
        out_of_scope_uses=["Diagnosis, triage or any other decision about a patient"],
        uses=["data augmentation", "research"],
        authors=["Imogen Thrale", "Rafferty Oduya", "Northfield Medical Imaging Lab"],
        contact="cxr-ldm@example.org",
    )
    data["evaluation"] = {
        "distribution_metrics": [
            {
                "metric": "FID",
                "value": "11.8",
                "feature_extractor": "Inception-v3 (ImageNet)",
                "n_medical": "13800",
                "n_synthetic": "13800",
                "resolution": "512x512",
                "dimensionality": "2D",
                "repeats": "5",
            },
        ],
        "downstream": [
            {
                "task": "Multi-label classification, DenseNet-121",
                "design": "augmentation",
                "test_set": "Held-out medical images of 2,100 patients",
                "test_set_medical": True,
                "external": False,
                "result": "Macro AUROC 0.872 against 0.861 without synthetic images",
            },
        ],
        "memorisation": [
            {"method": "nearest neighbour", "embedding": "DINOv2", "fraction_flagged": "0.003", "result": SENTENCES[4]}
        ],
    }
    data["answers"] = {
        section.id: {
            item.id: {"status": "addressed", "answer": _answer_text(rng), "evidence": list(rng.sample(EVIDENCE, 2))}
            for item in section.items
        }
        for section in checklist.sections
    }
    return data


def base_card(checklist: Any, *, example: bool = True) -> tuple[dict[str, Any], str]:
    """The example card when it is valid for this ethicard (and asked for), else a generated stand-in."""
    from ethicard import EthicardError, loader
    from ethicard.cards import validate_card

    if not example:
        note = "as asked (--from-minimal): "
    elif EXAMPLE.exists():
        document = loader.load(EXAMPLE)
        try:
            validate_card(document, checklist)
            return document.data, f"examples/cxr-ldm/card.yaml ({EXAMPLE.stat().st_size:,} bytes)"
        except EthicardError as exc:
            note = f"examples/cxr-ldm/card.yaml does not validate ({len(exc.problems)} problems), so "
    else:
        note = "examples/cxr-ldm/card.yaml is missing, so "
    data = _fallback_base(checklist)
    validate_card(loader.Document(str(MINIMAL), data), checklist)
    return data, note + "tests/data/minimal.yaml with every item answered"


def variant(base: dict[str, Any], checklist: Any, seed: int) -> dict[str, Any]:
    """The base card with statuses, kinds and answers shuffled; '@@N@@' in the name marks the card number."""
    rng = random.Random(seed)
    data = copy.deepcopy(base)
    data["about"]["name"] = f"{data['about']['name']} variant @@N@@"
    data["about"]["kind"] = rng.choices(("model", "dataset", "method"), (6, 3, 1))[0]
    answers: dict[str, Any] = data.setdefault("answers", {})
    for section in checklist.sections:
        block = answers.setdefault(section.id, {})
        for item in section.items:
            status = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
            if status == "unanswered":
                block.pop(item.id, None)
                continue
            answer = block.get(item.id) or {}
            text = answer.get("answer") or _answer_text(rng)
            evidence = answer.get("evidence") or list(rng.sample(EVIDENCE, rng.randint(1, 3)))
            block[item.id] = {"status": status, "answer": text, "evidence": evidence}
    return data


BREAKAGES = (
    ("status: addressed", "status: done"),  # not an allowed value
    ("about:\n", "about:\n  colour: blue\n"),  # unknown key
    ("about:\n", "about:\n\tkind: model\n"),  # YAML syntax: tab indentation
    ("about:\n", "about:\n  kind: model\n"),  # duplicate key
    ("  name: ", "  name:\n  - "),  # wrong type: a list where text is expected
)


def generate(n: int, folder: Path, base: dict[str, Any], checklist: Any) -> tuple[int, int]:
    """Write n cards into folder (1,000 per sub-folder); every 20th is broken.  Returns (broken, bytes)."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    texts = [
        yaml.dump(variant(base, checklist, seed), Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
        for seed in range(min(n, 100))
    ]
    broken = size = 0
    for i in range(n):
        text = f"# generated by benchmarks/bench.py: card {i}\n" + texts[i % len(texts)].replace("@@N@@", str(i))
        if i % 20 == 19:
            old, new = BREAKAGES[(i // 20) % len(BREAKAGES)]
            assert old in text
            text = text.replace(old, new, 1)
            broken += 1
        target = folder / f"{i // 1000:03d}" / f"card-{i:05d}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        size += len(text.encode("utf-8"))
    return broken, size


# --- the report --------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} cores ({cpu}), {platform.system()} {platform.release()}, Python {platform.python_version()}"


def _burn(seconds: float) -> None:
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass


def free_cores(jobs: int) -> float:
    """How many cores ``jobs`` busy processes actually got just now: other load on the machine
    shows here, and explains a batch speed-up below ``jobs``."""
    import multiprocessing

    start = time.perf_counter()
    with multiprocessing.Pool(jobs) as pool:
        pool.map(_burn, [0.5] * jobs)
    return jobs * 0.5 / (time.perf_counter() - start)


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in ("ethicard", "pydantic", "pyyaml", "jinja2", "markdown", "deon", "huggingface_hub"):
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} (not installed)")
    import yaml

    found.append("libyaml " + ("yes" if getattr(yaml, "__with_libyaml__", False) else "no"))
    return ", ".join(found)


def ethicard_command() -> list[str]:
    script = Path(sys.executable).parent / "ethicard"
    return [str(script)] if script.exists() else [sys.executable, "-m", "ethicard"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=21, help="runs per start-up command (default 21)")
    parser.add_argument("--cards", type=int, nargs="+", default=[1000, 10000], help="batch sizes (default 1000 10000)")
    parser.add_argument("--jobs", type=int, default=2, help="--jobs for the batch runs (default 2)")
    parser.add_argument("--batch-repeat", type=int, default=3, help="runs per batch size (default 3)")
    parser.add_argument("--keep", type=Path, help="generate the cards here and keep them")
    parser.add_argument(
        "--from-minimal",
        action="store_true",
        help="generate cards from tests/data/minimal.yaml with every item answered (smaller) instead of the example",
    )
    parser.add_argument("--skip-startup", action="store_true", help="only the batch runs")
    args = parser.parse_args(argv)

    try:
        import ethicard
        from ethicard import load_checklist
    except ImportError:
        print("benchmark: ethicard is not installed in this Python; run 'pip install .' first", file=sys.stderr)
        return 2
    checklist = load_checklist("misyn")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ETHICARD_", "PYTHONDONTWRITEBYTECODE"))}
    work = Path(tempfile.mkdtemp(prefix="ethicard-bench-"))
    try:
        base, base_note = base_card(checklist, example=not args.from_minimal)
        print(f"# ethicard {ethicard.__version__} benchmark, {datetime.date.today().isoformat()}\n")
        print(f"- Machine: {machine()}")
        print(f"- Packages: {versions()}")
        print(f"- Cards: {base_note}; varied statuses and kinds, one in twenty broken")
        if not args.skip_startup:
            startup(args, work, env, base)
        batch(args, work, env, base, checklist)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def startup(args: argparse.Namespace, work: Path, env: dict[str, str], base: dict[str, Any]) -> None:
    import yaml

    card = work / "card.yaml"
    card.write_text(yaml.safe_dump(base, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
    (work / "hf_card.py").write_text(HF_SCRIPT, encoding="utf-8")
    ethicard = ethicard_command()
    commands: dict[str, list[str]] = {"python -c pass (interpreter only)": [sys.executable, "-c", "pass"]}
    notes = []
    for peer, module in PEERS.items():
        if importlib.util.find_spec(module) is None:
            notes.append(f"{peer} is not installed in {sys.executable}, so its row is missing ({INSTALL_PEERS})")
    if importlib.util.find_spec("deon"):
        commands["deon"] = [sys.executable, "-m", "deon"]
    if importlib.util.find_spec("huggingface_hub"):
        commands["huggingface_hub ModelCard.from_template"] = [sys.executable, "hf_card.py", "hf_card.md"]
    commands["ethicard --help"] = [*ethicard, "--help"]
    commands["ethicard check card.yaml"] = [*ethicard, "check", "card.yaml"]
    for ext in ("md", "html"):
        command = [*ethicard, "render", "card.yaml", "-o", f"card.{ext}"]
        if run(command, work, env).code == 0:
            commands[f"ethicard render card.yaml -o card.{ext}"] = command
        else:
            notes.append(f"'ethicard render -o card.{ext}' failed: this ethicard does not render .{ext}, row left out")
    # The first render after an install or an upgrade compiles the templates: show that case too.
    if "ethicard render card.yaml -o card.md" in commands:
        command = ["env", "ETHICARD_NO_CACHE=1", *commands["ethicard render card.yaml -o card.md"]]
        commands["ethicard render -o card.md, templates compiled"] = command
    timings = time_commands(commands, work, env, args.repeat)
    by_name = {t.name: t for t in timings}
    deon, hf = by_name.get("deon"), by_name.get("huggingface_hub ModelCard.from_template")
    targets = {"ethicard check card.yaml": 0.5, "ethicard render card.yaml -o card.html": 0.9}
    print(f"\n## Start-up: median of {args.repeat} runs (after one warm-up run)\n")
    print("| command | median s | min-max s | CPU s | peak RSS MB | x deon | x ModelCard | target (x deon) |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for t in timings:
        vs_deon = f"{t.median / deon.median:.2f}" if deon else "n/a"
        vs_hf = f"{t.median / hf.median:.2f}" if hf else "n/a"
        target = ""
        if t.name in targets:
            limit = targets[t.name]
            target = f"<= {limit}: " + (("met" if t.median / deon.median <= limit else "NOT met") if deon else "n/a")
        low, high = t.spread
        cells = (f"`{t.name}`", f"{t.median:.3f}", f"{low:.3f}-{high:.3f}", f"{t.cpu:.3f}", f"{t.rss_mb:.0f}")
        print("| " + " | ".join((*cells, vs_deon, vs_hf, target)) + " |")
    print(f"\nWall-clock times from process start to exit; CPU is user + system time; {RSS_NOTE}.")
    for note in notes:
        print(f"\nNote: {note}.")


def batch(args: argparse.Namespace, work: Path, env: dict[str, str], base: dict[str, Any], checklist: Any) -> None:
    ethicard = ethicard_command()
    print(f"\n## Batch: `ethicard check DIR --jobs J --format csv`, median of {args.batch_repeat} runs\n")
    print(f"{args.jobs} busy processes got {free_cores(args.jobs):.1f} cores just before the batch runs.\n")
    print(
        "| cards | jobs | KB per card | median s | CPU s | CPU ms per card (target <= "
        f"{BATCH_CPU_MS_TARGET}) | cards/s | peak RSS MB, largest process | broken found |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    peaks = {}
    for n in args.cards:
        folder = (args.keep or work) / f"cards-{n}"
        if folder.exists():
            shutil.rmtree(folder)
        broken, size = generate(n, folder, base, checklist)
        for jobs in dict.fromkeys((1, args.jobs) if n == min(args.cards) else (args.jobs,)):
            command = [*ethicard, "check", str(folder), "--jobs", str(jobs), "--format", "csv"]
            summary = work / "summary.csv"
            runs = []
            for _ in range(args.batch_repeat):
                with summary.open("w", encoding="utf-8") as out:
                    runs.append(run(command, work, env, stdout=out))
            with summary.open(encoding="utf-8") as rows:
                table = list(csv.DictReader(rows))
            found = sum(row["valid"] == "false" for row in table)
            if len(table) != n or found != broken or any(r.code != 1 for r in runs):
                raise SystemExit(f"benchmark: {len(table)} of {n} cards reported, {found} broken of {broken} made")
            wall = statistics.median(r.wall for r in runs)
            cpu = statistics.median(r.cpu for r in runs)
            rss = max(r.rss_kb for r in runs) / 1024
            peaks[(n, jobs)] = rss
            per_card = 1000 * cpu / n
            met = "met" if per_card <= BATCH_CPU_MS_TARGET else "NOT met"
            cells = [f"{n:,}", f"{jobs}", f"{size / n / 1024:.1f}", f"{wall:.2f}", f"{cpu:.1f}"]
            cells += [f"{per_card:.2f}: {met}", f"{n / wall:,.0f}"]
            print("| " + " | ".join((*cells, f"{rss:.0f}", f"{found} / {broken}")) + " |")
        if not args.keep:
            shutil.rmtree(folder)
    print(f"\n{args.jobs} busy processes got {free_cores(args.jobs):.1f} cores just after the batch runs.")
    sizes = sorted(n for n, jobs in peaks if jobs == args.jobs)
    if len(sizes) > 1:
        low, high = peaks[(sizes[0], args.jobs)], peaks[(sizes[-1], args.jobs)]
        print(f"\nPeak RSS with {sizes[-1]:,} cards is {high / low:.2f} x the peak with {sizes[0]:,} ({RSS_NOTE}).")


if __name__ == "__main__":
    raise SystemExit(main())
