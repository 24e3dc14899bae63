"""The fidelity corpus: cards written as researchers write them, and single-change probes, each
with the gaps, findings and notes a reviewer expected before ethicard ran (tests/data/fidelity).

Every expectation is asserted: the gap kinds and the rule findings exactly, the advisory notes
as the ones that must be there (notes are advice, so extra ones do not change a verdict), the
waived findings exactly, and the --strict verdict where stated.  Probes in one ``group`` state
the same facts in other words and must give the same gaps and findings as each other and as
their base card.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA

FIDELITY = DATA / "fidelity"
CARDS = sorted(p for p in (FIDELITY / "cards").glob("*.yaml") if not p.name.endswith(".expected.yaml"))
PROBES: list[dict[str, Any]] = yaml.safe_load((FIDELITY / "probes.yaml").read_text(encoding="utf-8"))["probes"]


def _assess(path: Path):  # type: ignore[no-untyped-def]
    from ethicard import load_card
    from ethicard.assessment import assess

    return assess(*load_card(path))


def _verdict(report: Any) -> dict[str, Any]:
    from ethicard.summary import gate

    return {
        "gaps": sorted(gap.kind for gap in report.gaps_found),
        "findings": sorted(finding.rule for finding in report.findings),
        "waived": sorted(finding.rule for finding in report.findings if finding.waiver),
        "notes": sorted({advice.id for advice in report.advice}),
        "strict": "fail" if gate(report, strict=True) else "pass",
    }


def _check(verdict: dict[str, Any], expected: dict[str, Any]) -> None:
    assert verdict["gaps"] == sorted(expected["gaps"])
    assert verdict["findings"] == sorted(expected["findings"])
    assert verdict["waived"] == sorted(expected.get("waived", []))
    missing_notes = set(expected.get("notes", [])) - set(verdict["notes"])
    assert not missing_notes, f"expected advisory notes not given: {sorted(missing_notes)}"
    if "strict" in expected:
        assert verdict["strict"] == expected["strict"]


def _expected(name: str) -> dict[str, Any]:
    expected: dict[str, Any] = yaml.safe_load((FIDELITY / "cards" / f"{name}.expected.yaml").read_text("utf-8"))
    return expected


def test_the_corpus_has_the_cards_and_probes_the_issue_asks_for() -> None:
    kinds = {yaml.safe_load(card.read_text("utf-8"))["about"]["kind"] for card in CARDS}
    assert len(CARDS) >= 12 and kinds == {"model", "dataset", "method"}
    assert {"case-study-1-synthetic-data", "case-study-2-text-to-image"} <= {card.stem for card in CARDS}
    assert len(PROBES) >= 30
    assert {"paraphrase", "negation", "self-grading", "prose only"} <= {probe["kind"] for probe in PROBES}


@pytest.mark.parametrize("card", CARDS, ids=[card.stem for card in CARDS])
def test_card_matches_the_reviewers_expectation(card: Path) -> None:
    _check(_verdict(_assess(card)), _expected(card.stem))


def _apply(card: dict[str, Any], probe: dict[str, Any]) -> dict[str, Any]:
    from ethicard.locations import parse_path

    changed = copy.deepcopy(card)
    for dotted, value in (probe.get("set") or {}).items():
        *parents, last = parse_path(dotted)
        target: Any = changed
        for part in parents:
            target = target.setdefault(part, {}) if isinstance(part, str) else target[part]
        if value is None and isinstance(last, str):
            target.pop(last, None)
        else:
            target[last] = value
    for dotted in probe.get("remove") or []:
        *parents, last = parse_path(dotted)
        target = changed
        for part in parents:
            target = target[part]
        del target[last]
    return changed


def _probe_verdict(tmp_path: Path, probe: dict[str, Any]) -> dict[str, Any]:
    base = yaml.safe_load((FIDELITY / "cards" / f"{probe['base']}.yaml").read_text("utf-8"))
    path = tmp_path / f"{probe['id']}.yaml"
    path.write_text(yaml.safe_dump(_apply(base, probe), sort_keys=False, allow_unicode=True), encoding="utf-8")
    return _verdict(_assess(path))


@pytest.mark.parametrize("probe", PROBES, ids=[probe["id"] for probe in PROBES])
def test_probe_agrees_with_the_reviewer(tmp_path: Path, probe: dict[str, Any]) -> None:
    expected = probe["expect"]
    if "same_as" in expected:
        expected = {**_expected(expected["same_as"]), "notes": []}
    _check(_probe_verdict(tmp_path, probe), expected)


def test_three_wordings_of_the_same_facts_give_the_same_gaps_and_findings(tmp_path: Path) -> None:
    groups: dict[str, list[dict[str, Any]]] = {}
    for probe in PROBES:
        if "group" in probe:
            groups.setdefault(probe["group"], []).append(probe)
    assert groups and all(len(members) >= 3 for members in groups.values())
    for members in groups.values():
        verdicts = [_probe_verdict(tmp_path, probe) for probe in members]
        base = _verdict(_assess(FIDELITY / "cards" / f"{members[0]['base']}.yaml"))
        decided = [(v["gaps"], v["findings"]) for v in [base, *verdicts]]
        assert all(pair == decided[0] for pair in decided), decided
        assert len({tuple(v["notes"]) for v in verdicts}) > 1, "the wordings should differ in their advisory notes"
