"""The compiled path (ethicard.compiled): a card naming a bundled checklist is validated by
pydantic-core's compiled validator alone and read as plain records.  It must give exactly what the
pydantic models give, on valid cards and broken ones, and hand everything it cannot decide to them."""

from __future__ import annotations

import copy
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pydantic_core
import pytest
from cards import full_card, full_card_2
from conftest import DATA, EXAMPLE, ROOT
from pydantic import BaseModel

from ethicard import EthicardError, assess, compiled, loader, precompile, records, render, resources, summary
from ethicard.cards import validate_card as by_pydantic
from ethicard.checklist import load_checklist

FORMATS = ("md", "html", "tex", "json", "hf")
STATUSES = ("addressed", "partial", "not addressed", "not applicable", None)


def test_generated_modules_are_current() -> None:
    """The generated schema and records match the models and checklists; regenerate with
    ``python -m ethicard.precompile``.  Made for another pydantic-core, a module is not used."""
    for name in resources.bundled_checklists():
        text = (ROOT / "ethicard" / "compiled" / f"{name}.py").read_text(encoding="utf-8")
        if f"MADE_WITH = {pydantic_core.__version__!r}" in text:
            assert text == precompile.module_text(name), "stale: run python -m ethicard.precompile"
            assert compiled.bundled_checklist(name) is not None
        else:
            assert compiled.bundled_checklist(name) is None


def test_the_bundled_checklist_as_records_is_the_validated_checklist() -> None:
    for name in resources.bundled_checklists():
        made = compiled.bundled_checklist(name)
        assert made is not None
        assert records.dump(made) == load_checklist(name).model_dump(mode="json")
        assert [item.id for _, item in made.items()] == [item.id for _, item in load_checklist(name).items()]


def _variant(base: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """``base`` with statuses, answers, kind and evaluation rows shuffled (still a valid card)."""
    data = copy.deepcopy(base)
    data["about"]["kind"] = rng.choice(("model", "dataset", "method"))
    for block in data.get("answers", {}).values():
        for item in list(block):
            status = rng.choice(STATUSES)
            if status is None:
                del block[item]
            elif isinstance(block[item], dict):
                block[item]["status"] = status
                if rng.random() < 0.3:
                    block[item].pop("evidence", None)
                if rng.random() < 0.2:
                    block[item]["answer"] = "We **did** this; see [the paper](https://example.org) and `code`."
    evaluation = data.get("evaluation")
    if isinstance(evaluation, dict) and rng.random() < 0.5:
        for rows in evaluation.values():
            if isinstance(rows, list) and rows and rng.random() < 0.5:
                rows.pop()
    if rng.random() < 0.2:
        data["checklist"] = f"{data['checklist']['id']}@{data['checklist']['version']}"
    return data


def _bases() -> list[dict[str, Any]]:
    found = [loader.load(path).data for path in (EXAMPLE, DATA / "minimal.yaml")]
    return found + [make(kind) for make in (full_card, full_card_2) for kind in ("model", "dataset", "method")]


def _documents(n: int) -> Iterator[loader.Document]:
    rng = random.Random(20261202)
    bases = _bases()
    for base in bases:
        yield loader.Document("card.yaml", base)
    for i in range(n):
        yield loader.Document(f"variant-{i}.yaml", _variant(bases[i % len(bases)], rng))


def _outputs(card: Any, checklist: Any) -> dict[str, str]:
    report = assess(card, checklist)
    shown = {fmt: render(report, fmt) for fmt in FORMATS}
    shown["summary"] = "\n".join(summary.text("card.yaml", report, strict=True))
    shown["summary.json"] = repr(summary.as_json(report, strict=True))
    shown["gate"] = repr(summary.gate(report, strict=True, min_score=90))
    return shown


def _outcome(validate: Any, document: loader.Document) -> tuple[str, Any]:
    try:
        card, checklist = validate(document)
    except EthicardError as exc:
        return "problems", [str(problem) for problem in exc.problems]
    return "valid", _outputs(card, checklist)


def test_valid_cards_give_the_same_outputs_on_both_paths() -> None:
    compiled_cards = 0
    for document in _documents(60):
        outcome = _outcome(compiled.validate_card, document)
        assert outcome == _outcome(by_pydantic, document), document.file
        compiled_cards += outcome[0] == "valid" and isinstance(compiled.validate_card(document)[0], records.Record)
    assert compiled_cards >= 50  # most of them, so the comparison above compared the two paths


BREAKAGES: tuple[tuple[str, Any], ...] = (
    ("about.kind", "model card"),
    ("about.colour", "blue"),
    ("about.links", {"paper": "ftp://example.org"}),
    ("about.uses", ["decoration"]),
    ("labelling", {"methods": ["none", "c2pa"], "coverage": "all"}),
    ("labelling", {"methods": ["c2pa"], "coverage": "none"}),
    ("evaluation.distribution_metrics", [{"metric": "FID", "n_medical": 0}]),
    ("evaluation.reader_studies", [{"readers": "three"}]),
    ("evaluation.downstream", [{"task": "x", "design": "augmentation", "test_set": "y", "test_set_medical": "yes",
                                "result": "z"}]),
    ("claims", [{"claim": "better", "result": "evaluation.downstream[9]"}]),
    ("ethics", {"approvals": [{"board": "IRB", "id": "1", "covers": ["nobody"]}]}),
    ("waivers", [{"rule": "no_such_rule", "reason": "because"}]),
    ("format", 3),
    ("checklist.version", "1.1.9"),
    ("answers.design", {"no_such_item": {"status": "addressed"}}),
)


def _broken(data: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(data)
    *parents, key = dotted.split(".")
    owner = data
    for parent in parents:
        owner = owner.setdefault(parent, {}) if isinstance(owner.get(parent, {}), dict) else {}
    owner[key] = value
    return data


@pytest.mark.parametrize(("dotted", "value"), BREAKAGES, ids=[dotted for dotted, _ in BREAKAGES])
def test_a_broken_card_gets_the_problems_the_models_find(dotted: str, value: Any) -> None:
    for base in _bases():
        document = loader.Document("card.yaml", _broken(base, dotted, value))
        assert _outcome(compiled.validate_card, document) == _outcome(by_pydantic, document)


def test_every_invalid_and_hostile_card_of_the_suite_gets_the_same_outcome() -> None:
    checked = 0
    for path in sorted([*(DATA / "invalid").glob("*.yaml"), *(DATA / "hostile-input").glob("*.yaml")]):
        try:
            document = loader.load(path)
        except EthicardError:
            continue  # a problem of the YAML itself, before either path
        checked += 1
        assert _outcome(compiled.validate_card, document) == _outcome(by_pydantic, document), path.name
    assert checked >= 15


@pytest.mark.parametrize("stale", ["MADE_WITH", "CHECKLIST_DIGEST"])
def test_a_module_made_for_other_inputs_is_not_used(monkeypatch: pytest.MonkeyPatch, stale: str) -> None:
    from ethicard.compiled import misyn

    document = loader.load(EXAMPLE)
    assert isinstance(compiled.validate_card(document)[0], records.Record)
    monkeypatch.setattr(misyn, stale, "something else")
    compiled._generated.cache_clear()
    try:
        card, checklist = compiled.validate_card(document)
        assert isinstance(card, BaseModel) and isinstance(checklist, BaseModel)
        assert compiled.bundled_checklist("misyn") is None
    finally:
        compiled._generated.cache_clear()


def test_another_version_or_a_checklist_file_takes_the_models(tmp_path: Path) -> None:
    for reference in ("misyn@1.0.0", {"id": "misyn", "version": "1.2.0", "file": "mine.yaml"}, "misyn"):
        data = loader.load(DATA / "minimal.yaml").data
        data["checklist"] = reference
        document = loader.Document(str(tmp_path / "card.yaml"), data)
        outcome = _outcome(compiled.validate_card, document)
        assert outcome == _outcome(by_pydantic, document)
        if outcome[0] == "valid":  # validated by the models, not compiled
            assert isinstance(compiled.validate_card(document)[0], BaseModel)


def test_a_failure_after_the_compiled_path_still_gets_the_models_messages(tmp_path: Path) -> None:
    """The command line loads pydantic-core's compiled module on its own first; pydantic, imported
    later for a broken card, must work with that very module."""
    broken = (DATA / "minimal.yaml").read_text(encoding="utf-8").replace("kind: dataset", "kind: data set")
    (tmp_path / "broken.yaml").write_text(broken, encoding="utf-8")
    code = (
        "import sys\nfrom ethicard import compiled, EthicardError\n"
        f"compiled.load_card({str(EXAMPLE)!r})\n"
        "assert 'pydantic' not in sys.modules and 'pydantic_core._pydantic_core' in sys.modules\n"
        "try:\n    compiled.load_card('broken.yaml')\nexcept EthicardError as exc:\n"
        "    print(exc.problems[0])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("broken.yaml:5:9: about.kind: ")
