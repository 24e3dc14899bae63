"""Writes a card skeleton: every question and its guidance as YAML comments, ready to fill."""

from __future__ import annotations

import textwrap

from .errors import printable
from .models import Checklist

_WIDTH = 96
SCHEMA_FILE = "ethicard-card.schema.json"  # the yaml-language-server modeline points here
_ABOUT = (
    ("name", '""', "the model's, dataset's or method's name"),
    ("version", '""', "e.g. 1.0.0"),
    ("task", '""', "e.g. unconditional generation, image-to-image translation, super-resolution, text-to-image"),
    ("modality", '""', "e.g. chest X-ray, brain MRI (T1-weighted), dermoscopy"),
    ("intended_uses", "[]", "what the synthetic images are for, one '- use' per line"),
    ("out_of_scope_uses", "[]", "uses you advise against"),
    (
        "uses",
        "[]",
        "any of: data augmentation, downstream model training, privacy-preserving data sharing, "
        "simulation, education, research, other",
    ),
    ("release", "", "public | on request | internal | none"),
    ("license", "", "e.g. CC-BY-NC-4.0"),
    ("base_model", "", "the model this one was fine-tuned from, if any"),
    ("training_data", "[]", "'- {name: ..., access: public | restricted | private, url: ...}' per source"),
    ("authors", "[]", "one '- name' per line"),
    ("contact", "", "where concerns and questions go (e-mail or URL)"),
    ("links", "{}", "e.g. {paper: https://..., code: https://...}"),
)
_EVALUATION = (
    (
        "distribution_metrics",
        "metric, value, feature_extractor, n_medical, n_synthetic, uncertainty, resolution, "
        "dimensionality (2D | 3D), repeats",
    ),
    ("paired_metrics", "metric, value, intensity_normalisation, data_range, background"),
    (
        "downstream",
        "task, design (train on synthetic, test on medical | augmentation | other), test_set, "
        "test_set_medical (true | false), external, result, uncertainty, baseline",
    ),
    ("reader_studies", "readers, experience, blinded, prevalence, accuracy, agreement, result"),
    ("prospective_studies", "one line of text per study"),
    ("monitoring", "one line of text per monitoring arrangement"),
    (
        "memorisation",
        "method (nearest neighbour | copy detection | re-identification | membership inference | "
        "differential privacy), embedding, threshold, fraction_flagged, epsilon, result",
    ),
    ("subgroups", "attribute, result"),
    ("statistical_tests", "claim, test, p_value, correction"),
)


def _inert(text: object) -> str:
    """Checklist text that can only ever be the rest of one comment line: every kind of line
    break and space Unicode has (U+0085, U+2028, U+2029 among them) becomes one space, and any
    other control or format character is shown as an escape (see errors.printable)."""
    return printable(" ".join(str(text).split()))


def _comment(text: str, indent: str) -> list[str]:
    return textwrap.wrap(
        _inert(text), _WIDTH - len(indent) - 2, initial_indent=f"{indent}# ", subsequent_indent=f"{indent}#   "
    ) or [f"{indent}#"]


def skeleton(checklist: Checklist, kind: str) -> str:
    """The YAML text of an empty card of ``kind`` answering ``checklist``."""
    lines = [
        f"# yaml-language-server: $schema=./{SCHEMA_FILE}",
        f"# (completion and checks in editors: run 'ethicard schema > {SCHEMA_FILE}' in this folder)",
        f"# MISyn disclosure card answering {checklist.id} {checklist.version}: {_inert(checklist.title)}",
        "# For each question set status to one of: addressed | partial | not addressed | not applicable,",
        "# write the answer (Markdown) and the evidence (where in the paper or repository; URLs).",
        "# Questions whose status is left empty count as unanswered.",
        "# Check:  ethicard check THIS_FILE      Render:  ethicard render THIS_FILE -o card.md",
        "checklist:",
        f"  id: {checklist.id}",
        f"  version: {checklist.version}",
        "about:",
        f"  kind: {kind}  # model | dataset | method",
    ]
    lines += [f"  {key}: {empty}".rstrip() + f"  # {help_}" for key, empty, help_ in _ABOUT]
    lines.append("evaluation:  # results with the parameters that make them meaningful; leave [] when none")
    lines += [f"  {key}: []  # {{{fields}}}" for key, fields in _EVALUATION]
    lines.append("answers:")
    for section in checklist.sections:
        items = [item for item in section.items if kind in item.kinds]
        if not items:
            continue
        lines += ["", f"  # ---- {_inert(section.title)} ----", f"  {section.id}:"]
        for item in items:
            lines += _comment(item.question, "    ")
            lines += _comment(item.guidance, "    ")
            lines += [
                f"    #   ({item.level}; source: {item.source})",
                f"    {item.id}:",
                "      status:",
                '      answer: ""',
                "      evidence: []",
            ]
    return "\n".join(lines) + "\n"
