"""Moving a card to a newer version of its checklist (``ethicard migrate``), as the checklist's
declared changes say (:mod:`ethicard.changes`), without touching anything else in the file.

The card is edited with a round-trip YAML library (ruamel.yaml, the ``ethicard[migrate]`` extra), so
the researcher's comments, key order, quoting and indentation stay as they were; only the answers
the changes concern and the checklist version are rewritten.  Nothing is decided for the researcher:

- an answer to a renamed item moves to the new id unchanged;
- an answer to a split item is copied to each part, and to a merged item the answers are joined,
  each marked ``review: required`` (counted as partial by ``check`` until a person deletes the mark);
- an answer to a reworded item keeps its status and is marked ``review: required``;
- an answer to a removed item is kept under ``retired:`` with the question it answered;
- a status is never raised: merged answers take the lowest of their statuses.

A format-1 card moves to format 2 (:func:`to_format_2`) with what the old card states: its
``about.training_data`` become ``data_sources`` with the role ``train``, reader studies are read as
realism ratings and downstream evaluations as benchmarks (as ``check`` read them in format 1), each
such guess marked with a comment; the answers whose gaps format 2 decides from structured blocks
(labelling, the problem, ethics, the evaluation scope, claims) are marked ``review: required``, so
a person fills those blocks.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass, field
from typing import Any

from .changes import History, item_map
from .checklist import Checklist
from .errors import UsageError
from .records import split_reference
from .versions import version_key
from .vocabulary import ADDRESSED, NOT_ADDRESSED, NOT_APPLICABLE, PARTIAL

# Statuses from least to most answered; merged answers take the lowest ("not applicable" counts as
# partial, so that joining it with an addressed answer never claims more than either said).
_RANK = {None: 0, NOT_ADDRESSED: 1, PARTIAL: 2, NOT_APPLICABLE: 2, ADDRESSED: 3}
# Indentation styles tried when reading a card: (mapping, sequence, offset). The one that writes the
# unchanged card back byte for byte is used for the migrated card.
_STYLES = ((2, 2, 0), (2, 4, 2), (4, 4, 2), (4, 6, 4), (4, 4, 0), (3, 3, 0))


@dataclass
class Migration:
    """A migrated card's text, and what in it a person must look at."""

    text: str
    old_version: str
    new_version: str
    review: list[str] = field(default_factory=list)  # item ids marked review: required
    retired: list[str] = field(default_factory=list)  # item ids moved under retired:
    moved: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # (old id, new ids)


def _yaml() -> Any:
    try:
        from ruamel.yaml import YAML  # optional extra: imported only by migrate
    except ImportError:  # pragma: no cover - exercised by the missing-extra test in a bare venv
        raise UsageError("'ethicard migrate' needs the migrate extra: pip install 'ethicard[migrate]'") from None
    return YAML


def _round_trip(text: str) -> tuple[Any, Any]:
    """The card as ruamel.yaml's commented data, and the writer set up to match its indentation."""
    yaml_class = _yaml()
    best: tuple[int, Any, Any] | None = None
    for mapping, sequence, offset in _STYLES:
        writer = yaml_class()
        writer.preserve_quotes = True
        writer.width = 1 << 20  # never re-wrap the researcher's lines
        writer.indent(mapping=mapping, sequence=sequence, offset=offset)
        data = writer.load(text)
        out = io.StringIO()
        writer.dump(data, out)
        same = sum(a == b for a, b in zip(out.getvalue().splitlines(), text.splitlines(), strict=False))
        if best is None or same > best[0]:
            best = (same, data, writer)
        if out.getvalue() == text:
            break
    assert best is not None
    return best[1], best[2]


def migrate_text(text: str, old: Checklist, new: Checklist, history: History) -> Migration:
    """Apply the changes from ``old`` (the version the card answers) to ``new`` to a card's text."""
    if version_key(new.version) < version_key(old.version):
        raise UsageError(f"the card answers {old.id} {old.version}; it cannot move back to {new.version}")
    migration = Migration(text, old.version, new.version)
    if new.version == old.version:
        return migration
    data, writer = _round_trip(text)
    answers = data.setdefault("answers", {})
    moved = item_map(history, old.version, new.version)
    targets = _take_moved(data, answers, moved, old, new.version, migration)
    for target, given in targets.items():
        origins = [ident for ident, into in moved.items() if target in into]
        review = len(origins) > 1 or any(len(moved[origin]) > 1 for origin in origins)  # merged or split
        _place(answers, new, target, _joined(given) if len(given) > 1 else given[0], review, migration)
    for ident in _reworded(history, old.version, new.version):
        answer = _find(answers, ident)
        if answer is not None and answer.get("review") != "required":
            answer["review"] = "required"
            migration.review.append(ident)
    _set_version(data, new.version)
    out = io.StringIO()
    writer.dump(data, out)
    migration.text = out.getvalue()
    migration.review = sorted(set(migration.review))
    return migration


def _take_moved(
    data: Any, answers: Any, moved: dict[str, tuple[str, ...]], old: Checklist, version: str, migration: Migration
) -> dict[str, list[Any]]:
    """Take the answers of the moved items out of the card: the removed ones are retired, the others
    returned by the id they go to (each part of a split gets its own copy, no YAML alias)."""
    taken = {ident: _pop(answers, ident) for ident in moved}
    targets: dict[str, list[Any]] = {}
    for ident, into in moved.items():
        answer = taken[ident]
        if answer is None:
            continue
        migration.moved.append((ident, into))
        if not into:
            _retire(data, ident, answer, old, version)
            migration.retired.append(ident)
        for n, target in enumerate(into):
            targets.setdefault(target, []).append(answer if n == 0 else copy.deepcopy(answer))
    return targets


# Answers whose gaps format 2 decides from a structured block: the block to fill, and the item.
FORMAT_2_BLOCKS = (
    ("labelling", "synthetic_image_labelling"),
    ("problem", "clinical_need"),
    ("ethics", "ethics_approval"),
    ("evaluation.scope", "evaluation_scope_declaration"),
    ("claims", "claims_backed_by_results"),
)
_GUESSED = "ethicard migrate read format 1 this way: check it"


def to_format_2(text: str) -> Migration:
    """A format-1 card's text moved to format 2 (see the module's docstring); the version fields of
    the returned :class:`Migration` are the card formats."""
    migration = Migration(text, "1", "2")
    data, writer = _round_trip(text)
    if data.get("format") == 2:
        return migration
    data.insert(0, "format", 2)
    about = data.get("about") or {}
    sources = about.pop("training_data", None) if hasattr(about, "pop") else None
    if sources:
        for source in sources:
            source["roles"] = ["train"]
            source.yaml_add_eol_comment(_GUESSED, "roles")
        data.insert(list(data).index("about") + 1, "data_sources", sources)
    evaluation = data.get("evaluation") or {}
    for key, field_name, value in (("reader_studies", "task", "realism"), ("downstream", "evaluates", "benchmark")):
        for row in evaluation.get(key) or []:
            if row.get(field_name) is None:
                row[field_name] = value
                row.yaml_add_eol_comment(_GUESSED, field_name)
    answers = data.get("answers") or {}
    for _, item in FORMAT_2_BLOCKS:
        answer = _find(answers, item)
        if answer is not None and answer.get("review") != "required":
            answer["review"] = "required"
            migration.review.append(item)
    out = io.StringIO()
    writer.dump(data, out)
    migration.text = out.getvalue()
    return migration


def _find(answers: Any, ident: str) -> Any:
    for section in answers.values():
        if isinstance(section, dict) and isinstance(section.get(ident), dict):
            return section[ident]
    return None


def _pop(answers: Any, ident: str) -> Any:
    for section in answers.values():
        if isinstance(section, dict) and ident in section:
            return section.pop(ident)
    return None


def _place(answers: Any, checklist: Checklist, ident: str, answer: Any, review: bool, migration: Migration) -> None:
    section = next(s.id for s, item in checklist.items() if item.id == ident)
    if section not in answers or answers[section] is None:
        answers[section] = {}
    if review:
        answer["review"] = "required"
        migration.review.append(ident)
    answers[section][ident] = answer


def _joined(answers: list[Any]) -> dict[str, Any]:
    """One answer for a merged item: the lowest status, the texts one after the other, all evidence."""
    statuses = [answer.get("status") for answer in answers]
    lowest = min(statuses, key=lambda status: _RANK.get(status, 0))
    status = PARTIAL if lowest == NOT_APPLICABLE and len(set(statuses)) > 1 else lowest
    evidence: list[Any] = []
    for answer in answers:
        entries = answer.get("evidence") or []
        for entry in [entries] if isinstance(entries, str) else entries:
            if entry not in evidence:
                evidence.append(entry)
    joined: dict[str, Any] = {"status": status} if status else {}
    texts = [str(answer.get("answer", "")).strip() for answer in answers]
    joined["answer"] = "\n\n".join(text for text in texts if text)
    if evidence:
        joined["evidence"] = evidence
    return joined


def _retire(data: Any, ident: str, answer: Any, old: Checklist, version: str) -> None:
    retired = data.get("retired")
    if retired is None:
        data["retired"] = retired = {}
    answer.pop("review", None)
    answer["retired_in"] = version
    answer["question"] = " ".join(old.item(ident).question.split())
    retired[ident] = answer


def _reworded(history: History, old: str, new: str) -> list[str]:
    """Items reworded after ``old`` up to ``new``, by their id in ``new``."""
    found: list[str] = []
    for release in history.between(old, new):
        for change in release.changes:
            if change.change == "reworded":
                later = item_map(history, release.version, new)
                found += [target for item in change.items for target in later.get(item, (item,))]
    return found


def _set_version(data: Any, version: str) -> None:
    ref = data["checklist"]
    if isinstance(ref, str):
        ident = split_reference(ref)[0]
        data["checklist"] = type(ref)(f"{ident}@{version}") if type(ref) is not str else f"{ident}@{version}"
        return
    old = ref["version"]
    ref["version"] = type(old)(version) if type(old) is not str else version  # keep its quotes
