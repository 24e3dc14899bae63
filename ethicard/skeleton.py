"""Writes a card skeleton: every question and its guidance as YAML comments, ready to fill."""

from __future__ import annotations

import textwrap

from .checklist import Checklist
from .errors import printable

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
    ("authors", "[]", "one '- name' per line"),
    ("contact", "", "where concerns and questions go (e-mail or URL)"),
    ("links", "{}", "e.g. {paper: https://..., code: https://...}"),
)
# Format 2: the facts that decide gaps and rules, each with what it takes and an example.
_FACTS = (
    (
        "labelling",
        "",
        "How released synthetic images are marked as synthetic. methods: any of file_metadata (PNG text, "
        "XMP with the IPTC digital source type), c2pa, dicom_attributes, nifti_header, visible_mark, "
        "file_naming, sidecar; or [none]. coverage: all | some | none (which released synthetic images "
        "carry the marks). carriers: what carries them. "
        'e.g. {methods: [file_metadata, c2pa], coverage: all, carriers: "PNG iTXt + XMP; C2PA manifest"}',
    ),
    (
        "problem",
        "",
        "What motivates the work. motivation: any of clinical need | technical need (e.g. data scarcity, "
        "needing a large dataset) | technical novelty | overcoming human error (outperforming clinicians). "
        "clinical_need: {who: who has the need, task: the clinical task, why_synthesis: why synthetic "
        "images serve it where medical images do not}",
    ),
    (
        "data_sources",
        "[]",
        "One entry per source of medical images: '- {name: ..., access: public | restricted | private, "
        "roles: [train, tune, condition, evaluate], url: ..., description: ...}'. Roles say which data the "
        "generator saw (train, tune, condition) and which were held out (evaluate).",
    ),
    (
        "ethics",
        "",
        "Research ethics approvals and exemptions, each with what it covers (names of data_sources and "
        "evaluation.reader_studies): {approvals: [{board: ..., id: ..., covers: [...]}], "
        "exemptions: [{reason: ..., covers: [...]}]}. A data-sharing agreement is not an approval.",
    ),
)
_AFTER = (
    (
        "claims",
        "[]",
        "Each claimed benefit and the result behind it: '- {claim: ..., kind: benefit | clinical benefit | "
        "privacy, result: evaluation.downstream[0], significant: false, test: evaluation.statistical_tests[0]}'",
    ),
    (
        "waivers",
        "[]",
        "Answers to rule findings outside the six gaps, or to advisory notes: '- {rule: <id>, reason: ...}'. "
        "Gaps cannot be waived.",
    ),
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
        "test_set_medical (true | false), evaluates (benchmark | clinical problem), external, result, "
        "uncertainty, baseline",
    ),
    (
        "prompt_alignment",
        "metric (e.g. CLIP score), value, model (image-text model and weights), n_prompts, n_synthetic, prompts",
    ),
    (
        "reader_studies",
        "name, task (realism | visual turing test | clinical task), readers, experience, blinded, prevalence, "
        "accuracy, agreement, result",
    ),
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


def _blocks(blocks: tuple[tuple[str, str, str], ...]) -> list[str]:
    lines = []
    for key, empty, help_ in blocks:
        lines += _comment(help_, "")
        lines.append(f"{key}: {empty}".rstrip())
    return lines


def skeleton(checklist: Checklist, kind: str) -> str:
    """The YAML text of an empty card of ``kind`` answering ``checklist``."""
    lines = [
        f"# yaml-language-server: $schema=./{SCHEMA_FILE}",
        f"# (completion and checks in editors: run 'ethicard schema > {SCHEMA_FILE}' in this folder)",
        f"# MISyn disclosure card answering {checklist.id} {checklist.version}: {_inert(checklist.title)}",
        "# For each question set status to one of: addressed | partial | not addressed | not applicable,",
        "# write the answer (Markdown) and the evidence (where in the paper or repository; URLs).",
        "# Questions whose status is left empty count as unanswered; a partial answer says what is missing",
        "# (missing: ...). Gaps and rules are decided by the structured facts below, not by the answers' wording.",
        "# Check:  ethicard check THIS_FILE      Render:  ethicard render THIS_FILE -o card.md",
        "format: 2",
        "checklist:",
        f"  id: {checklist.id}",
        f"  version: {checklist.version}",
        "about:",
        f"  kind: {kind}  # model | dataset | method",
    ]
    lines += [f"  {key}: {empty}".rstrip() + f"  # {help_}" for key, empty, help_ in _ABOUT]
    lines += _blocks(_FACTS)
    lines.append("evaluation:  # results with the parameters that make them meaningful; leave [] when none")
    lines += _comment(
        "scope: the declared evaluation scope, {phase: the furthest phase reached (1 model space only; 2-5 the "
        "real-world problem space, where the clinical problem itself is evaluated), statement: ..., where: where "
        "the paper says so}. Downstream metrics on benchmarks and realism ratings are phase 1.",
        "  ",
    )
    lines.append("  scope:")
    lines += [f"  {key}: []  # {{{fields}}}" for key, fields in _EVALUATION]
    lines += _blocks(_AFTER)
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
                '      missing: ""',
            ]
    return "\n".join(lines) + "\n"
