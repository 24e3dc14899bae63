"""`ethicard migrate`: a card moved to a newer checklist version as the declared changes say, with the
researcher's comments, order and quoting kept, nothing decided for them, and twice the same as once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import DATA, EXAMPLE, Ethicard, Golden
from hypothesis import given, settings
from hypothesis import strategies as st

from ethicard import assess, load_checklist
from ethicard.cards import validate_card
from ethicard.changes import History
from ethicard.loader import parse
from ethicard.migrate import migrate_text
from ethicard.versions import bundled_versions

CURRENT = load_checklist("misyn").version


def test_every_released_version_migrates_to_the_current_one_keeping_the_file(
    ethicard: Ethicard, tmp_path: Path
) -> None:
    from ethicard.changes import bundled_history

    history = bundled_history("misyn")
    assert history is not None
    example = EXAMPLE.read_text(encoding="utf-8")
    assert f'version: "{CURRENT}"' in example
    for version in bundled_versions("misyn")[:-1]:
        changes = [c for release in history.between(version, CURRENT) for c in release.changes]
        added = {item for c in changes if c.change == "added" for item in c.items}
        old = _without(example.replace(f'version: "{CURRENT}"', f'version: "{version}"', 1), added)
        (tmp_path / "card.yaml").write_text(old, encoding="utf-8")
        dry = ethicard("migrate", "card.yaml", "--dry-run")
        assert f'-  version: "{version}"\n+  version: "{CURRENT}"\n' in dry.out
        assert (tmp_path / "card.yaml").read_text(encoding="utf-8") == old  # a dry run writes nothing
        reworded = {
            item
            for release in history.between(version, CURRENT)
            for c in release.changes
            if c.change == "reworded"
            for item in c.items
        }
        done = ethicard("migrate", "card.yaml")
        assert done.code == (1 if reworded else 0), done.err
        assert f"card.yaml: misyn {version} -> {CURRENT}" in done.err
        migrated = (tmp_path / "card.yaml").read_text(encoding="utf-8")
        marked = {line.split(":")[1].strip() for line in done.err.splitlines() if "review required" in line}
        assert marked == reworded
        # apart from the version and the review marks, the file is the researcher's own, byte for byte
        without_marks = "".join(line for line in migrated.splitlines(True) if line.strip() != "review: required")
        assert without_marks == old.replace(f'version: "{version}"', f'version: "{CURRENT}"', 1)
        again = ethicard("migrate", "card.yaml")
        assert "already answers" in again.err
        assert (tmp_path / "card.yaml").read_text(encoding="utf-8") == migrated
        assert ethicard("check", "card.yaml").code in (0, 1)  # valid; review marks are partial answers
    one_step = _without(example.replace(f'version: "{CURRENT}"', 'version: "1.0.0"', 1), {"no_human_error_motivation"})
    (tmp_path / "card.yaml").write_text(one_step, encoding="utf-8")
    assert ethicard("migrate", "card.yaml", "--to", "1.1.0").code == 0  # 1.1.0 changed no item
    assert (tmp_path / "card.yaml").read_text(encoding="utf-8") == one_step.replace('"1.0.0"', '"1.1.0"', 1)


def _without(text: str, items: set[str]) -> str:
    """The card without its answers to ``items`` (as a card written before they were asked)."""
    import io

    from ruamel.yaml import YAML

    writer = YAML()
    writer.preserve_quotes = True
    writer.width = 1 << 20
    writer.indent(mapping=2, sequence=4, offset=2)
    data = writer.load(text)
    for section in data["answers"].values():
        for item in items & set(section):
            del section[item]
    out = io.StringIO()
    writer.dump(data, out)
    return out.getvalue()


def test_migrating_writes_elsewhere_only_when_asked_and_never_over_another_input(
    ethicard: Ethicard, tmp_path: Path
) -> None:
    old = (DATA / "minimal.yaml").read_text(encoding="utf-8").replace(f"version: {CURRENT}", "version: 1.0.0", 1)
    (tmp_path / "card.yaml").write_text(old, encoding="utf-8")
    done = ethicard("migrate", "card.yaml", "-o", "new.yaml")
    assert done.code == 1, done.err  # a reworded question is marked for review: a person must look
    assert "card.yaml: synthetic_image_labelling: review required (the question changed)" in done.err
    assert (tmp_path / "card.yaml").read_text(encoding="utf-8") == old
    assert f"version: {CURRENT}" in (tmp_path / "new.yaml").read_text(encoding="utf-8")
    assert ethicard("migrate", "card.yaml", "--to", "1.0.5").code == 2
    assert ethicard("migrate", "new.yaml", "--to", "1.0.0").code == 2  # never backwards


def test_a_missing_extra_is_named(tmp_path: Path) -> None:
    (tmp_path / "card.yaml").write_text(
        (DATA / "minimal.yaml").read_text(encoding="utf-8").replace(f"version: {CURRENT}", "version: 1.0.0", 1),
        encoding="utf-8",
    )
    code = "import sys; sys.modules['ruamel'] = None; from ethicard.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run(
        [sys.executable, "-c", code, "migrate", "card.yaml"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "pip install 'ethicard[migrate]'" in done.stderr


# --- the changes themselves, on a venue checklist with a history of its own ---------------------

OLD = """\
id: venue
version: 1.0.0
title: Venue checklist
sections:
  - id: one
    title: One
    items:
      - {id: keep, question: Kept?, guidance: g, level: required, kinds: [model], source: derived}
      - {id: old_name, question: Renamed?, guidance: g, level: required, kinds: [model], source: derived}
      - {id: whole, question: Whole?, guidance: g, level: required, kinds: [model], source: derived}
      - {id: part_a, question: A?, guidance: g, level: required, kinds: [model], source: derived}
      - {id: part_b, question: B?, guidance: g, level: required, kinds: [model], source: derived}
      - {id: gone, question: Gone?, guidance: g, level: required, kinds: [model], source: derived}
      - {id: wording, question: Old words?, guidance: g, level: required, kinds: [model], source: derived}
"""
NEW = """\
id: venue
version: 1.1.0
title: Venue checklist
sections:
  - id: one
    title: One
    items:
      - {id: keep, question: Kept?, guidance: g, level: required, kinds: [model], source: derived}
      - {id: new_name, question: Renamed?, guidance: g, level: required, kinds: [model], source: derived}
      - {id: whole_x, question: X?, guidance: g, level: required, kinds: [model], source: derived}
      - {id: whole_y, question: Y?, guidance: g, level: required, kinds: [model], source: derived}
      - {id: wording, question: New words?, guidance: g, level: required, kinds: [model], source: derived}
  - id: two
    title: Two
    items:
      - {id: parts, question: A and B?, guidance: g, level: required, kinds: [model], source: derived}
"""
HISTORY = History.model_validate(
    {
        "checklist": "venue",
        "releases": [
            {"version": "1.0.0", "date": "2026-01-01", "summary": "first"},
            {
                "version": "1.1.0",
                "date": "2026-02-01",
                "summary": "second",
                "changes": [
                    {"change": "renamed", "items": ["old_name"], "into": ["new_name"], "note": "n", "source": "s"},
                    {"change": "split", "items": ["whole"], "into": ["whole_x", "whole_y"], "note": "n", "source": "s"},
                    {"change": "merged", "items": ["part_a", "part_b"], "into": ["parts"], "note": "n", "source": "s"},
                    {"change": "removed", "items": ["gone"], "note": "n", "source": "s"},
                    {"change": "reworded", "items": ["wording"], "note": "n", "source": "s"},
                ],
            },
        ],
    }
)
STATUSES = ["addressed", "partial", "not addressed", "not applicable"]
RANK = {"unanswered": 0, "not addressed": 1, "partial": 2, "not applicable": 2, "addressed": 3}


def _checklists(tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "old.yaml").write_text(OLD, encoding="utf-8")
    (tmp_path / "new.yaml").write_text(NEW, encoding="utf-8")
    return load_checklist(str(tmp_path / "old.yaml")), load_checklist(str(tmp_path / "new.yaml"))


def _card(statuses: dict[str, str], comment: str = "our own note") -> str:
    lines = ["# " + comment, "checklist: {id: venue, version: 1.0.0}", "about: {kind: model, name: M}", "answers:"]
    lines.append("  one:" if statuses else "  one: {}")
    for ident, status in statuses.items():
        lines += [f"    {ident}:  # about {ident}", f"      status: {status}", f"      answer: Answer to {ident}."]
        lines.append(f"      evidence: [{ident} evidence]")
    return "\n".join(lines) + "\n"


def test_each_kind_of_change_moves_marks_or_retires_the_answer(tmp_path: Path) -> None:
    old, new = _checklists(tmp_path)
    text = _card({item: "addressed" for item in ("keep", "old_name", "whole", "part_a", "part_b", "gone", "wording")})
    migration = migrate_text(text, old, new, HISTORY)
    assert migration.review == ["parts", "whole_x", "whole_y", "wording"]
    assert migration.retired == ["gone"]
    card, used = validate_card(parse(migration.text, "card.yaml"), new)
    data = yaml.safe_load(migration.text)
    one, two = data["answers"]["one"], data["answers"]["two"]
    moved = {"status": "addressed", "answer": "Answer to old_name.", "evidence": ["old_name evidence"]}
    assert one["new_name"] == moved
    assert one["whole_x"]["answer"] == one["whole_y"]["answer"] == "Answer to whole."
    assert two["parts"]["answer"] == "Answer to part_a.\n\nAnswer to part_b."
    assert two["parts"]["evidence"] == ["part_a evidence", "part_b evidence"]
    assert data["retired"]["gone"]["question"] == "Gone?" and data["retired"]["gone"]["retired_in"] == "1.1.0"
    assert all(f"# {note}" in migration.text for note in ("our own note", "about keep", "about wording"))
    statuses = {result.item.id: result.status for result in assess(card, used).items}
    assert statuses["wording"] == statuses["parts"] == statuses["whole_x"] == "partial"  # until a person checks
    assert statuses["keep"] == statuses["new_name"] == "addressed"


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["keep", "old_name", "whole", "part_a", "part_b", "gone", "wording"]), st.sampled_from(STATUSES)
    ),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=30),
)
def test_migration_never_raises_a_status_and_twice_is_once(
    tmp_path_factory: pytest.TempPathFactory, statuses: dict[str, str], comment: str
) -> None:
    tmp_path = tmp_path_factory.mktemp("m")
    old, new = _checklists(tmp_path)
    text = _card(statuses, comment.replace("\x85", " "))
    before = {result.item.id: result.status for result in assess(*validate_card(parse(text, "c"), old)).items}
    once = migrate_text(text, old, new, HISTORY)
    card, used = validate_card(parse(once.text, "c"), new)
    after = {result.item.id: result.status for result in assess(card, used).items}
    origins = {"new_name": ["old_name"], "whole_x": ["whole"], "whole_y": ["whole"], "parts": ["part_a", "part_b"]}
    for ident, status in after.items():
        highest = max(RANK[before[origin]] for origin in origins.get(ident, [ident]))
        assert RANK[status] <= highest, (ident, status, before)
    assert migrate_text(once.text, new, new, HISTORY).text == once.text


def test_a_format_1_card_moves_to_a_valid_format_2_card_with_its_guesses_marked(
    ethicard: Ethicard, golden: Golden, tmp_path: Path
) -> None:
    legacy = DATA / "fidelity" / "cards" / "legacy-cxr-ldm-format-1.yaml"
    old = legacy.read_text(encoding="utf-8")
    assert "format:" not in old and "  training_data:\n" in old
    (tmp_path / "card.yaml").write_text(old, encoding="utf-8")
    done = ethicard("migrate", "card.yaml")
    assert done.code == 1, done.err  # a person must fill the format-2 blocks
    assert f"card.yaml: misyn 1.1.0 -> {CURRENT}, card format 1 -> 2" in done.err
    assert "claims_backed_by_results: review required (format 2 decides it from the 'claims' block" in done.err
    migrated = (tmp_path / "card.yaml").read_text(encoding="utf-8")
    golden(migrated, DATA / "migrate" / "legacy-cxr-ldm-format-1.migrated.yaml")
    data = yaml.safe_load(migrated)
    assert data["format"] == 2 and "training_data" not in data["about"]
    training = yaml.safe_load(old)["about"]["training_data"]
    assert [source["name"] for source in data["data_sources"]] == [source["name"] for source in training]
    assert all(source["roles"] == ["train"] for source in data["data_sources"])
    assert all(row["evaluates"] == "benchmark" for row in data["evaluation"]["downstream"])
    assert all(study["task"] == "realism" for study in data["evaluation"]["reader_studies"])
    assert migrated.count("# ethicard migrate read format 1 this way: check it") == (
        len(data["data_sources"]) + len(data["evaluation"]["downstream"]) + len(data["evaluation"]["reader_studies"])
    )
    assert migrated.startswith(old[: old.index("checklist:")])  # the researcher's own opening comments
    checked = ethicard("check", "card.yaml")
    assert checked.code == 0 and f"valid (misyn {CURRENT})" in checked.out, checked.out + checked.err
    again = ethicard("migrate", "card.yaml")
    assert "already answers" in again.err and (tmp_path / "card.yaml").read_text(encoding="utf-8") == migrated
