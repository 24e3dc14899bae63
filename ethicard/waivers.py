"""A card's waivers: each answers a rule outside the six gaps, or an advisory note, never a gap."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

from .errors import EthicardError
from .heuristics import NOTE_IDS

if TYPE_CHECKING:
    from . import loader


def check_waivers(document: loader.Document, card: Any, checklist: Any) -> None:
    """Every waiver names a rule of the checklist that puts no gap on the card, or a note."""
    rules = {rule.id: rule for rule in checklist.rules}
    problems = []
    for n, waiver in enumerate(card.waivers):
        rule = rules.get(waiver.rule)
        if rule is not None and rule.gap:
            problems.append(
                document.problem(
                    ("waivers", n, "rule"),
                    f"rule '{waiver.rule}' puts a gap ({rule.gap}) on the card; gaps cannot be waived",
                    "answer it in the card's facts instead",
                )
            )
        elif rule is None and waiver.rule not in NOTE_IDS:
            known = sorted([*(r.id for r in checklist.rules if not r.gap), *NOTE_IDS])
            close = difflib.get_close_matches(waiver.rule, known, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "waivable: " + ", ".join(known)
            problems.append(document.problem(("waivers", n, "rule"), f"no rule or note '{waiver.rule}'", hint))
    if problems:
        raise EthicardError(problems)
