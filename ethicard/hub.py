"""Hugging Face Hub metadata for a card: only keys and values the Hub accepts, only facts the card states.

The rules (also in the README):

- ``license``: the Hub's identifier when the card's licence is one (``hub_licenses.py``, copied
  from the Hub's documentation); otherwise ``license: other`` with ``license_name`` (the licence
  text made into an id) and ``license_link`` (the card's ``links.license``, else ``LICENSE``, the
  file the Hub asks for).
- ``base_model`` (model cards only): only when the card names the model by its Hub address,
  ``https://huggingface.co/<owner>/<name>``.  A bare ``owner/name`` is refused because it cannot be
  told from a GitHub repository or any other ``owner/name`` reference; ethicard says so in a note.
- ``datasets`` (models): the training data sources whose address is a Hub dataset,
  ``https://huggingface.co/datasets/<owner>/<name>``.
- ``pipeline_tag`` (models) and ``task_categories`` (datasets): only for tasks named exactly as the
  skeleton suggests; ``pretty_name`` for datasets.
- ``model-index`` (models): every number of the structured evaluation (distribution and paired
  metrics, reader studies' accuracy and agreement, memorisation checks' share flagged), each with
  the parameters that make it meaningful as the metric's ``args``.  Downstream results are prose in
  card format 1, so they are not put in (the Hub shows ``value`` as a number).

Field access is kept in :func:`_facts`, one small mapping from the card, so a new card format
only changes that function.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .assessment import Report
from .hub_licenses import HUB_LICENSES
from .records import dump

TAGS = ("synthetic-data", "medical-imaging", "ethicard")
_HUB_URL = re.compile(r"^https://huggingface\.co/([A-Za-z0-9][\w.-]*/[\w.-]+)(?:/(?:tree|blob|resolve)/\S*)?/?$")
_HUB_DATASET_URL = re.compile(
    r"^https://huggingface\.co/datasets/([A-Za-z0-9][\w.-]*/[\w.-]+)(?:/(?:tree|blob|resolve)/\S*)?/?$"
)
_NOT_MODELS = frozenset({"datasets", "spaces", "docs", "blog", "papers", "collections", "organizations", "models"})
# Hugging Face task ids, only for tasks named exactly as the card skeleton suggests.
_TASKS = {
    "unconditional generation": "unconditional-image-generation",
    "unconditional image generation": "unconditional-image-generation",
    "text-to-image": "text-to-image",
    "text-to-image generation": "text-to-image",
    "image-to-image": "image-to-image",
    "image-to-image translation": "image-to-image",
    "super-resolution": "image-to-image",
}
_LICENCE_LINK_KEYS = ("license", "licence")
_NOT_ARGS = frozenset({"metric", "value", "result"})


@dataclass
class _Facts:
    """What the Hub metadata is made from, read from the card in one place."""

    kind: str
    name: str
    task: str
    license: str
    license_url: str
    base_model: str
    source_urls: list[str] = field(default_factory=list)
    distribution: list[dict[str, Any]] = field(default_factory=list)
    paired: list[dict[str, Any]] = field(default_factory=list)
    readers: list[dict[str, Any]] = field(default_factory=list)
    memorisation: list[dict[str, Any]] = field(default_factory=list)


def _facts(report: Report) -> _Facts:
    """The one mapping from the card's fields (formats 1 and 2) to what the metadata needs."""
    about, evaluation = report.card.about, report.card.evaluation
    links = about.links
    return _Facts(
        kind=about.kind,
        name=about.name.strip(),
        task=about.task.strip(),
        license=(about.license or "").strip(),
        license_url=next((links[key] for key in _LICENCE_LINK_KEYS if key in links), ""),
        base_model=(about.base_model or "").strip(),
        source_urls=[source.url for source in about.training_data if source.url]
        + [source.url for source in report.card.data_sources if source.url],
        distribution=[dump(m) for m in evaluation.distribution_metrics],
        paired=[dump(m) for m in evaluation.paired_metrics],
        # one row per number: a reader study's accuracy and agreement, a memorisation check's share flagged
        readers=[
            {"metric": label, "value": getattr(study, key), **_without(dump(study), "accuracy", "agreement")}
            for study in evaluation.reader_studies
            for key, label in (("accuracy", "reader accuracy"), ("agreement", "inter-reader agreement"))
        ],
        memorisation=[
            {"metric": f"fraction flagged as copies ({check.method})", "value": check.fraction_flagged,
             **_without(dump(check), "fraction_flagged", "method")}
            for check in evaluation.memorisation
        ],
    )


def _without(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in row.items() if key not in keys}


def hub_id(reference: str) -> str | None:
    """The Hub model id of a ``https://huggingface.co/<owner>/<name>`` address, else None."""
    found = _HUB_URL.match(reference.strip())
    if not found or found.group(1).split("/")[0] in _NOT_MODELS:
        return None
    return found.group(1)


def hub_dataset(url: str) -> str | None:
    """The Hub dataset id of a ``https://huggingface.co/datasets/<owner>/<name>`` address, else None."""
    found = _HUB_DATASET_URL.match(url.strip())
    return found.group(1) if found else None


def hub_license(text: str) -> str | None:
    """The Hub's identifier for a licence written as one (``CC-BY-4.0``, ``Apache 2.0``), else None."""
    candidate = re.sub(r"\s+", "-", text.strip().lower())
    return candidate if candidate in HUB_LICENSES and candidate != "other" else None


def license_name(text: str) -> str:
    """An id for a licence the Hub does not know, as ``license_name`` asks: lower case, dashes."""
    return _slug(text)[:64].rstrip("-") or "other"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def metadata(report: Report) -> dict[str, Any]:
    """The front-matter keys ethicard contributes, only those the card states unambiguously."""
    facts = _facts(report)
    data: dict[str, Any] = {}
    if facts.license:
        known = hub_license(facts.license)
        if known:
            data["license"] = known
        else:
            data["license"] = "other"
            data["license_name"] = license_name(facts.license)
            data["license_link"] = facts.license_url or "LICENSE"
    task = _TASKS.get(facts.task.lower())
    if facts.kind == "model":
        base = hub_id(facts.base_model) if facts.base_model else None
        if base:
            data["base_model"] = base
        if task:
            data["pipeline_tag"] = task
        datasets = [found for found in map(hub_dataset, facts.source_urls) if found]
        if datasets:
            data["datasets"] = list(dict.fromkeys(datasets))
    elif facts.kind == "dataset":
        data["pretty_name"] = facts.name
        if task:
            data["task_categories"] = [task]
    data["tags"] = list(TAGS)
    if facts.kind == "model":
        index = model_index(facts, task)
        if index:
            data["model-index"] = index
    return data


def advice(report: Report, written: list[str] | None = None) -> list[str]:
    """What the user can do so the Hub shows more: the card's facts ethicard could not turn into
    metadata, and (``written``: the keys added to a README) what an added key asks of them."""
    facts = _facts(report)
    notes = []
    if facts.kind == "model" and facts.base_model and not hub_id(facts.base_model):
        notes.append(
            f"base_model '{facts.base_model}' is not a Hugging Face Hub address, so it is not in the metadata; "
            "if it is a Hub model, write it as https://huggingface.co/<owner>/<name>"
        )
    added_link = written is None or "license_link" in written
    if facts.license and not hub_license(facts.license) and not facts.license_url and added_link:
        notes.append(
            "the licence is not one of the Hub's identifiers: written as 'license: other' with license_link LICENSE; "
            "put the licence text in a LICENSE file, or link it in the card (links: {license: URL})"
        )
    return notes


def model_index(facts: _Facts, task: str | None) -> list[dict[str, Any]]:
    """The Hub's ``model-index``: one result per kind of metric, numbers only, parameters as args.

    Each kind has its own ``dataset.type`` (the Hub groups results by it, and would merge them)."""
    results = []
    task_entry = {"type": task or "other", "name": facts.task or "medical image synthesis"}
    groups = (
        ("medical images compared with synthetic images", facts.distribution),
        ("synthetic images paired with their reference medical images", facts.paired),
        ("synthetic and medical images shown to expert readers", facts.readers),
        ("synthetic images compared with the training medical images", facts.memorisation),
    )
    for dataset, rows in groups:
        metrics = [_metric(row) for row in rows if row.get("value") is not None]
        if metrics:
            results.append(
                {"task": dict(task_entry), "dataset": {"type": _slug(dataset), "name": dataset}, "metrics": metrics}
            )
    return [{"name": facts.name, "results": results}] if results else []


def _metric(row: dict[str, Any]) -> dict[str, Any]:
    name = str(row["metric"]).strip()
    extractor = row.get("feature_extractor")
    # the parameters, not the prose ('result' restates the numbers in words)
    args = {key: value for key, value in row.items() if key not in _NOT_ARGS and value not in (None, "")}
    metric: dict[str, Any] = {
        "type": _slug(name) or "metric",
        "value": row["value"],
        "name": f"{name} with {extractor}" if extractor else name,
    }
    if args:
        metric["args"] = args
    return metric
