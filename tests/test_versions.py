"""Cards over time: which checklist version a card answers, released versions kept packaged, the
declared changes between them and the CHANGELOG written from them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DATA, ROOT, Ethicard, Golden

from ethicard import load_checklist
from ethicard.changes import History, bundled_history, changelog, item_map, verify

CURRENT = load_checklist("misyn").version


def _card(version: str, extra: str = "") -> str:
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    assert f"version: {CURRENT}" in text
    return text.replace(f"version: {CURRENT}", f"version: {version}{extra}", 1)


def test_every_declared_release_is_packaged_and_the_account_is_true() -> None:
    history = bundled_history("misyn")
    assert history is not None
    assert history.versions()[-1] == CURRENT
    assert verify(history, lambda version: load_checklist("misyn", version=version)) == []


def test_every_field_of_an_item_has_a_kind_of_change() -> None:
    from ethicard.changes import ITEM_FIELDS
    from ethicard.models import Item

    covered = {name for fields in ITEM_FIELDS.values() for name in fields}
    assert covered == set(Item.model_fields) - {"id"}


def test_an_undeclared_difference_is_found() -> None:
    history = bundled_history("misyn")
    assert history is not None
    data = history.model_dump()
    data["releases"][1]["changes"] = [c for c in data["releases"][1]["changes"] if c["change"] != "topic changed"]
    data["releases"][1]["changes"].append(
        {"change": "reworded", "items": ["clinical_need"], "note": "said but not done", "source": "test"}
    )
    problems = verify(History.model_validate(data), lambda version: load_checklist("misyn", version=version))
    assert "1.1.0: 'topic changed' of item 'synthetic_image_labelling' differs but is not declared" in problems
    assert "1.1.0: 'reworded' of item 'clinical_need' is declared but did not change" in problems


def test_undeclared_and_untrue_item_and_rule_changes_are_found() -> None:
    """Two versions built in code: an item renamed and a rule dropped without a word, a removal and an
    addition declared that did not happen, a rule declared added that is not there."""
    old = load_checklist("misyn")
    first = old.sections[0]
    kept, removed, added = first.items[1].id, first.items[2].id, first.items[3].id
    renamed = first.items[0].model_copy(update={"id": "renamed_item"})
    new = old.model_copy(
        update={
            "version": "9.0.0",
            "sections": [first.model_copy(update={"items": [renamed, *first.items[1:]]}), *old.sections[1:]],
            "rules": old.rules[1:],
        }
    )
    declared = [
        {"change": "removed", "items": [removed], "note": "n", "source": "s"},
        {"change": "added", "items": [added], "note": "n", "source": "s"},
        {"change": "renamed", "items": [kept], "into": ["renamed_item"], "note": "n", "source": "s"},
        {"change": "rule added", "rules": ["no_such_rule"], "note": "n", "source": "s"},
    ]
    history = History.model_validate(
        {
            "checklist": "misyn",
            "releases": [
                {"version": old.version, "date": "2026-01-01", "summary": "first"},
                {"version": "9.0.0", "date": "2026-09-01", "summary": "second", "changes": declared},
            ],
        }
    )
    assert verify(history, {old.version: old, "9.0.0": new}.__getitem__) == [
        f"9.0.0: item '{first.items[0].id}' is gone but no change removes, renames, splits or merges it",
        *(
            f"9.0.0: item '{ident}' is removed or moved by a change but still there"
            for ident in sorted((kept, removed))
        ),
        f"9.0.0: item '{added}' is added by a change but was there before, or is not there",
        "9.0.0: rule 'no_such_rule': 'rule added' is declared but did not happen",
        f"9.0.0: rule '{old.rules[0].id}': 'rule removed' is not declared",
    ]


def test_item_map_follows_renames_splits_and_removals_across_releases() -> None:
    history = History.model_validate(
        {
            "checklist": "x",
            "releases": [
                {"version": "1.0.0", "date": "2026-01-01", "summary": "first"},
                {
                    "version": "1.1.0",
                    "date": "2026-02-01",
                    "summary": "second",
                    "changes": [
                        {"change": "renamed", "items": ["a"], "into": ["b"], "note": "n", "source": "s"},
                        {"change": "removed", "items": ["gone"], "note": "n", "source": "s"},
                    ],
                },
                {
                    "version": "1.2.0",
                    "date": "2026-03-01",
                    "summary": "third",
                    "changes": [{"change": "split", "items": ["b"], "into": ["c", "d"], "note": "n", "source": "s"}],
                },
            ],
        }
    )
    assert item_map(history, "1.0.0", "1.2.0") == {"a": ("c", "d"), "gone": (), "b": ("c", "d")}
    assert item_map(history, "1.1.0", "1.2.0") == {"b": ("c", "d")}
    assert item_map(history, "1.0.0", "1.1.0") == {"a": ("b",), "gone": ()}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"change": "renamed", "items": ["a"], "note": "n", "source": "s"}, "goes into one item"),
        ({"change": "split", "items": ["a"], "into": ["b"], "note": "n", "source": "s"}, "into two or more"),
        ({"change": "added", "items": ["a"], "into": ["b"], "note": "n", "source": "s"}, "only renamed, split"),
        ({"change": "rule added", "items": ["a"], "note": "n", "source": "s"}, "names rules only"),
        ({"change": "rule changed", "note": "n", "source": "s"}, "names rules only"),
        ({"change": "removed", "rules": ["r"], "note": "n", "source": "s"}, "names items only"),
        ({"change": "added", "note": "n", "source": "s"}, "names the items it concerns"),
        ({"change": "renamed", "items": ["a", "b"], "into": ["c"], "note": "n", "source": "s"}, "names one item"),
        ({"change": "merged", "items": ["a"], "into": ["c"], "note": "n", "source": "s"}, "two items or more"),
        ({"change": "merged", "items": ["a", "b"], "into": ["c", "d"], "note": "n", "source": "s"}, "into one item"),
    ],
)
def test_malformed_changes_are_refused(change: dict[str, object], message: str) -> None:
    from pydantic import ValidationError

    release = {"version": "1.1.0", "date": "2026-02-01", "summary": "s", "changes": [change]}
    with pytest.raises(ValidationError, match=message):
        History.model_validate({"checklist": "x", "releases": [release]})


def test_committed_changelog_is_the_one_written_from_the_declared_changes(ethicard: Ethicard, golden: Golden) -> None:
    done = ethicard("changelog", "misyn")
    assert done.code == 0, done.err
    golden(done.out, ROOT / "checklists" / "CHANGELOG-misyn.md")
    history = bundled_history("misyn")
    assert history is not None
    assert done.out == changelog(history, load_checklist("misyn").title)
    assert f"## {CURRENT} (" in done.out and "## 1.0.0 (" in done.out


def test_an_old_card_is_checked_against_its_own_version_and_check_says_which_is_current(
    ethicard: Ethicard, tmp_path: Path
) -> None:
    (tmp_path / "old.yaml").write_text(_card("1.0.0"), encoding="utf-8")
    text = ethicard("check", "old.yaml")
    assert text.code == 0, text.out + text.err
    assert "old.yaml: valid (misyn 1.0.0)" in text.out
    assert f"  version: the card answers misyn 1.0.0; {CURRENT} is current\n" in text.out
    as_json = ethicard("check", "old.yaml", "--format", "json")
    record = json.loads(as_json.out)["files"][0]
    assert record["checklist"] == {"id": "misyn", "version": "1.0.0", "answered": "1.0.0", "current": CURRENT}
    rendered = ethicard("render", "old.yaml")
    assert f"misyn 1.0.0 ({CURRENT} is current)" in rendered.out
    current = ethicard("check", DATA / "minimal.yaml", "--format", "json")
    assert json.loads(current.out)["files"][0]["checklist"]["current"] == CURRENT
    assert "version:" not in ethicard("check", DATA / "minimal.yaml").out


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("1.0.5", "misyn 1.0.5 was never released (released versions: 1.0.0, "),
        ("1.9.0", "misyn 1.9.0 is newer than any version this ethicard has (released versions: 1.0.0, "),
        ("2.0.0", "misyn 2.0.0 is newer than any version this ethicard has"),
        ("0.9.0", "misyn 0.9.0 was never released"),
    ],
)
def test_a_version_that_does_not_exist_is_a_located_error(
    ethicard: Ethicard, tmp_path: Path, version: str, message: str
) -> None:
    (tmp_path / "card.yaml").write_text(_card(version), encoding="utf-8")
    done = ethicard("check", "card.yaml")
    assert done.code == 1
    assert done.out.startswith(f"card.yaml:3:12: checklist.version: {message}"), done.out


VENUE = """\
extends: misyn
id: venue_x
version: 1.2.0
sections:
  - id: oversight
    items:
      - {id: code_release_date, question: When will the code be released?, guidance: Give a date.,
         level: required, kinds: [model, method], source: derived}
"""


def _venue_card(version: str, file: str) -> str:
    return (
        _card(version)
        .replace("checklist:\n  id: misyn", "checklist:\n  id: venue_x", 1)
        .replace(f"version: {version}", f"version: {version}\n  file: {file}", 1)
    )


def test_a_card_names_a_venue_checklist_by_a_path_relative_to_itself(ethicard: Ethicard, tmp_path: Path) -> None:
    (tmp_path / "venues").mkdir()
    (tmp_path / "venues" / "x.yaml").write_text(VENUE, encoding="utf-8")
    (tmp_path / "cards").mkdir()
    assert "checklist:\n  id: misyn" in _card("1.2.0")
    (tmp_path / "cards" / "card.yaml").write_text(_venue_card("1.2.0", "../venues/x.yaml"), encoding="utf-8")
    done = ethicard("check", "card.yaml", cwd=tmp_path / "cards")
    assert done.code == 0, done.out
    assert "card.yaml: valid (venue_x 1.2.0)" in done.out
    done = ethicard("check", "cards/card.yaml", cwd=tmp_path)  # relative to the card, not to the caller
    assert done.code == 0, done.out
    (tmp_path / "cards" / "older.yaml").write_text(_venue_card("1.1.0", "../venues/x.yaml"), encoding="utf-8")
    older = ethicard("check", "cards/older.yaml")
    assert older.code == 0 and "the card answers venue_x 1.1.0; 1.2.0 is current" in older.out, older.out
    (tmp_path / "cards" / "newer.yaml").write_text(_venue_card("1.3.0", "../venues/x.yaml"), encoding="utf-8")
    newer = ethicard("check", "cards/newer.yaml")
    assert newer.code == 1
    assert "checklist.version: the card answers venue_x 1.3.0, newer than the checklist given (venue_x 1.2.0)" in (
        newer.out
    )


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ("/etc/venue.yaml", "checklist.file: must be a path relative to the card"),
        ("missing.yaml", "checklist.file: cannot read checklist 'missing.yaml': no such file"),
    ],
)
def test_a_checklist_file_that_cannot_be_used_is_a_located_error(
    ethicard: Ethicard, tmp_path: Path, file: str, message: str
) -> None:
    (tmp_path / "card.yaml").write_text(_venue_card("1.2.0", file), encoding="utf-8")
    done = ethicard("check", "card.yaml")
    assert done.code == 1
    assert done.out.startswith("card.yaml:4:9: " + message), done.out
