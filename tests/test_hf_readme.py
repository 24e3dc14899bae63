"""The card in a Hugging Face or GitHub README: `-f hf`, and `--into README.md` between markers,
read back with the real huggingface_hub."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA, EXAMPLE, Ethicard

BEGIN, END = "<!-- ethicard:begin -->", "<!-- ethicard:end -->"
TAGS = ["synthetic-data", "medical-imaging", "ethicard"]


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def test_new_readme_loads_as_a_hugging_face_model_card(ethicard: Ethicard, tmp_path: Path) -> None:
    from huggingface_hub import ModelCard

    result = ethicard("render", EXAMPLE, "--into", "README.md")
    assert result.code == 0, result.err
    assert "created README.md" in result.err
    card = ModelCard.load(tmp_path / "README.md")
    assert card.data.tags == TAGS
    assert card.data.license == "other"  # the example's licence is prose, not one identifier
    assert card.data.license_name.startswith("cc-by-nc-4-0-weights")
    assert card.data.license_link == "LICENSE"
    assert "note: the licence is not one of the Hub's identifiers" in result.err
    assert card.data.base_model == "stabilityai/stable-diffusion-2-1-base"  # from its https://huggingface.co/ address
    assert "# MISyn disclosure card: CXR-LDM 1.0.0" in card.text
    assert card.text.count(BEGIN) == card.text.count(END) == 1


def test_dataset_card_with_a_licence_identifier(ethicard: Ethicard, tmp_path: Path) -> None:
    from huggingface_hub import DatasetCard

    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("  release: on request\n", "  release: on request\n  license: CC-BY-4.0\n  base_model: a/b\n")
    (tmp_path / "card.yaml").write_text(text, encoding="utf-8")
    assert ethicard("render", "card.yaml", "--into", "README.md").code == 0
    card = DatasetCard.load(tmp_path / "README.md")
    assert card.data.tags == TAGS
    assert card.data.license == "cc-by-4.0"
    assert card.data.to_dict().get("base_model") is None  # a dataset card has no base model key


def test_existing_readme_keeps_its_text_and_front_matter(ethicard: Ethicard, tmp_path: Path) -> None:
    from huggingface_hub import ModelCard

    front = "---\n# my own comment\nlicense: mit\ntags:\n- medical\n- ethicard\nlibrary_name: diffusers\n---\n"
    before = "# My model\n\nSome text written by hand.\n\n"
    after = "\n## Citation\n\nCite us. <!-- ethicard:end --> inline is not a marker\n"
    readme = tmp_path / "README.md"
    readme.write_text(front + before + BEGIN + "\nold card\n" + END + after, encoding="utf-8")
    result = ethicard("render", EXAMPLE, "--into", "README.md")
    assert result.code == 0, result.err
    assert "updated README.md" in result.err
    text = readme.read_text(encoding="utf-8")
    # the README's own lines, byte for byte, with the missing tags and keys added as lines; its own
    # licence wins, so the card's license_name and license_link are not added either
    assert text.startswith(
        "---\n# my own comment\nlicense: mit\ntags:\n- medical\n- ethicard\n- synthetic-data\n- medical-imaging\n"
        "library_name: diffusers\nbase_model: stabilityai/stable-diffusion-2-1-base\nmodel-index:\n"
    )
    assert "license_name" not in text
    assert "licence is not one of the Hub's identifiers" not in result.err  # the README's own licence stands
    body = text[text.index("\n---\n") + 5 :]
    assert body.startswith(before + BEGIN + "\n")
    assert body.endswith("\n" + END + after)
    # the README has its own title: the card's headings go one level down, so there is one H1
    assert "old card" not in body and "\n## MISyn disclosure card: CXR-LDM 1.0.0" in body
    assert [line for line in body.splitlines() if line.startswith("# ")] == ["# My model"]
    card = ModelCard.load(readme)
    assert card.data.license == "mit"  # the README's own value wins
    assert card.data.tags == ["medical", "ethicard", "synthetic-data", "medical-imaging"]
    assert card.data.library_name == "diffusers"
    assert card.data.base_model == "stabilityai/stable-diffusion-2-1-base"
    first = readme.read_bytes()
    again = ethicard("render", EXAMPLE, "--into", "README.md")
    assert again.code == 0 and "README.md is up to date" in again.err
    assert readme.read_bytes() == first


def test_front_matter_already_complete_is_left_byte_for_byte(ethicard: Ethicard, tmp_path: Path) -> None:
    front = (
        "---\n# kept comment\nlicense: other\nlicense_name: cxr-ldm\nlicense_link: LICENSE\n"
        "base_model: stabilityai/stable-diffusion-2-1-base\n"
        "tags: [ethicard, synthetic-data, medical-imaging]\nmodel-index: []\n---\n"
    )
    readme = tmp_path / "README.md"
    readme.write_text(front + "Hello.\n", encoding="utf-8")
    assert ethicard("render", EXAMPLE, "--into", "README.md").code == 0
    text = readme.read_text(encoding="utf-8")
    assert text.startswith(front + "Hello.\n\n" + BEGIN + "\n")
    assert text.endswith(END + "\n")


def test_readme_without_markers_or_front_matter_gets_both(ethicard: Ethicard, tmp_path: Path) -> None:
    from huggingface_hub import ModelCard

    original = "# Project\n\nNo newline at the end"
    readme = tmp_path / "README.md"
    readme.write_text(original, encoding="utf-8")
    assert ethicard("render", EXAMPLE, "--into", "README.md").code == 0
    text = readme.read_text(encoding="utf-8")
    front_end = text.index("\n---\n") + 5
    assert text.startswith("---\n")
    assert text[front_end:].startswith(original + "\n\n" + BEGIN + "\n")
    assert "\n## MISyn disclosure card" in text and "\n# MISyn" not in text
    assert ModelCard.load(readme).data.tags == TAGS


def test_crlf_readme_stays_crlf_and_idempotent(ethicard: Ethicard, tmp_path: Path) -> None:
    from huggingface_hub import ModelCard

    readme = tmp_path / "README.md"
    readme.write_bytes(b"---\r\nlicense: mit\r\n---\r\n# Title\r\n\r\nText.\r\n")
    assert ethicard("render", EXAMPLE, "--into", "README.md").code == 0
    raw = readme.read_bytes()
    assert raw.count(b"\r\n") > 100
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert b"# Title\r\n\r\nText.\r\n\r\n" + BEGIN.encode() + b"\r\n" in raw
    assert ModelCard.load(readme).data.license == "mit"
    assert ethicard("render", EXAMPLE, "--into", "README.md").code == 0
    assert readme.read_bytes() == raw


MALFORMED = {
    "duplicated_begin": (f"A\n{BEGIN}\nx\n{BEGIN}\ny\n{END}\n", 4, "a second '<!-- ethicard:begin -->' inside"),
    "end_before_begin": (f"A\n{END}\nx\n{BEGIN}\n", 2, "comes before any"),
    "unclosed": (f"A\n\n{BEGIN}\nx\n", 3, "is never closed"),
    "nested": (f"{BEGIN}\n{BEGIN}\n{END}\n{END}\n", 2, "a second '<!-- ethicard:begin -->' inside"),
    "two_blocks": (f"{BEGIN}\n{END}\n{BEGIN}\n{END}\n", 3, "a second '<!-- ethicard:begin -->' after"),
    "second_end": (f"{BEGIN}\n{END}\n{END}\n", 3, "a second '<!-- ethicard:end -->'"),
    "unclosed_front_matter": ("---\ntags: [a]\n# no closing line\n", 1, "front matter opened here is never closed"),
    "front_matter_not_a_mapping": ("---\n- a\n- b\n---\nText\n", 2, "front matter must be a mapping"),
    "front_matter_bad_yaml": ("---\ntags: [a\n---\n", 3, "front matter is not valid YAML"),
    "tags_not_a_list": ("---\ntags: {a: 1}\n---\n", 2, "'tags' must be a list"),
}


@pytest.mark.parametrize("name", MALFORMED, ids=list(MALFORMED))
def test_malformed_readme_is_refused_located_and_left_untouched(ethicard: Ethicard, tmp_path: Path, name: str) -> None:
    content, line, message = MALFORMED[name]
    readme = tmp_path / "README.md"
    readme.write_bytes(content.encode())
    result = ethicard("render", EXAMPLE, "--into", "README.md")
    assert result.code == 1
    assert result.err.startswith(f"README.md:{line}:1: "), result.err
    assert message in result.err
    assert readme.read_bytes() == content.encode()
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]  # no temporary file left behind


def test_hostile_card_cannot_close_the_block_early(ethicard: Ethicard, tmp_path: Path) -> None:
    from huggingface_hub import ModelCard

    readme = tmp_path / "README.md"
    readme.write_text("Intro\n", encoding="utf-8")
    hostile = DATA / "hostile" / "outputs" / "markdown.yaml"
    assert ethicard("render", hostile, "--into", "README.md").code == 0
    text = readme.read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines()]
    assert lines.count(BEGIN) == 1 and lines.count(END) == 1 and lines[-1] == END
    readme.write_text(text + "Outro\n", encoding="utf-8")
    assert ethicard("render", hostile, "--into", "README.md").code == 0
    assert readme.read_text(encoding="utf-8") == text + "Outro\n"
    assert ModelCard.load(readme).data.tags == TAGS


def test_into_refuses_the_card_itself_and_other_outputs(ethicard: Ethicard, tmp_path: Path) -> None:
    card = tmp_path / "card.yaml"
    card.write_bytes(EXAMPLE.read_bytes())
    result = ethicard("render", "card.yaml", "--into", "card.yaml")
    assert result.code == 2
    assert card.read_bytes() == EXAMPLE.read_bytes()
    assert ethicard("render", "card.yaml", "--into", "README.md", "-o", "x.md").code == 2
    assert ethicard("render", "card.yaml", "--into", "README.md", "-f", "tex").code == 2
    assert not (tmp_path / "README.md").exists()


# --- Hugging Face metadata the Hub accepts --------------------------------------------------

BASE_MODELS = {
    "https://huggingface.co/stabilityai/stable-diffusion-2-1-base": "stabilityai/stable-diffusion-2-1-base",
    "https://huggingface.co/owner/model.v2/tree/main": "owner/model.v2",
    "stabilityai/stable-diffusion-2-1-base": None,  # a bare owner/name: could be GitHub, or anything
    "https://github.com/owner/repo": None,
    "https://huggingface.co/datasets/owner/data": None,
    "https://huggingface.co/spaces/owner/demo": None,
    "our own U-Net, trained from scratch": None,
}


@pytest.mark.parametrize("given", BASE_MODELS, ids=list(BASE_MODELS))
def test_base_model_only_from_a_hub_address(tmp_path: Path, given: str) -> None:
    from cards import full_card, report, with_about

    from ethicard import hub

    shown = report(tmp_path, with_about(full_card("model"), base_model=given))
    assert hub.metadata(shown).get("base_model") == BASE_MODELS[given]
    assert any("is not a Hugging Face Hub address" in note for note in hub.advice(shown)) == (
        BASE_MODELS[given] is None
    )


LICENCES = {
    "CC-BY-4.0": {"license": "cc-by-4.0"},
    "Apache 2.0": {"license": "apache-2.0"},
    "MIT": {"license": "mit"},
    "Proprietary research licence v2": {
        "license": "other",
        "license_name": "proprietary-research-licence-v2",
        "license_link": "https://example.org/licence",
    },
    "other": {"license": "other", "license_name": "other", "license_link": "https://example.org/licence"},
}


@pytest.mark.parametrize("given", LICENCES, ids=list(LICENCES))
def test_licence_is_a_hub_identifier_or_other_with_name_and_link(tmp_path: Path, given: str) -> None:
    from cards import full_card, report, with_about

    from ethicard import hub
    from ethicard.hub_licenses import HUB_LICENSES

    card = with_about(full_card("model"), license=given, links={"license": "https://example.org/licence"})
    data = hub.metadata(report(tmp_path, card))
    assert {key: data[key] for key in data if key.startswith("license")} == LICENCES[given]
    assert data["license"] in HUB_LICENSES


def test_model_index_is_read_by_huggingface_hub(ethicard: Ethicard, tmp_path: Path) -> None:
    from huggingface_hub import EvalResult, ModelCard
    from huggingface_hub.repocard_data import model_index_to_eval_results

    assert ethicard("render", EXAMPLE, "--into", "README.md").code == 0
    card = ModelCard.load(tmp_path / "README.md")
    results = card.data.eval_results
    assert card.data.model_name == "CXR-LDM"
    assert all(isinstance(result, EvalResult) for result in results)
    assert [(r.metric_type, r.metric_value) for r in results] == [
        ("fid", 11.8),
        ("fid", 1.74),
        ("precision-k-5", 0.71),
        ("recall-k-5", 0.48),
        ("reader-accuracy", 0.61),
        ("inter-reader-agreement", 0.23),
        ("fraction-flagged-as-copies-nearest-neighbour", 0.0042),
        ("fraction-flagged-as-copies-re-identification", 0.0016),
    ]
    assert results[4].metric_args["readers"] == 3 and results[4].metric_args["blinded"] is True
    assert results[1].metric_name == "FID with ResNet-50, RadImageNet weights"
    assert results[1].metric_args == {
        "feature_extractor": "ResNet-50, RadImageNet weights",
        "n_medical": 13800,
        "n_synthetic": 13800,
        "resolution": "512x512, resized to 224x224 for the extractor",
        "dimensionality": "2D",
        "repeats": 5,
    }
    assert [r.dataset_name for r in results][3:5] == [
        "medical images compared with synthetic images",
        "synthetic and medical images shown to expert readers",
    ]
    name, again = model_index_to_eval_results(card.data.to_dict()["model-index"])
    assert name == "CXR-LDM" and again == results  # the Hub's writer and reader agree on it


def test_paired_metrics_get_their_own_result_and_cards_without_numbers_no_model_index(tmp_path: Path) -> None:
    from cards import full_card, report, with_evaluation

    from ethicard import hub

    paired = [{"metric": "SSIM", "value": 0.91, "data_range": "[0, 1]"}, {"metric": "PSNR"}]
    data = hub.metadata(report(tmp_path, with_evaluation(full_card("model"), paired_metrics=paired)))
    (result,) = data["model-index"][0]["results"]
    assert result["dataset"]["name"] == "synthetic images paired with their reference medical images"
    assert result["metrics"] == [{"type": "ssim", "value": 0.91, "name": "SSIM", "args": {"data_range": "[0, 1]"}}]
    assert "model-index" not in hub.metadata(report(tmp_path, full_card("model")))


def test_dataset_card_gets_dataset_metadata_read_by_huggingface_hub(ethicard: Ethicard, tmp_path: Path) -> None:
    from huggingface_hub import DatasetCard

    assert ethicard("render", DATA / "minimal.yaml", "--into", "README.md").code == 0
    data = DatasetCard.load(tmp_path / "README.md").data
    assert data.task_categories == ["unconditional-image-generation"]
    assert data.pretty_name == "Tiny synthetic dermoscopy set"
    assert data.to_dict().get("model-index") is None and data.to_dict().get("pipeline_tag") is None


H1 = {
    "atx": ("# Title\n\nText\n", True),
    "atx-closed-and-indented": ("  # Title #\n", True),
    "setext": ("Title\n=====\n", True),
    "only-level-two": ("## Part\n\nText\n", False),
    "in-a-code-fence": ("```\n# not a heading\n```\n", False),
    "hashtag": ("#hashtag is not a heading\n", False),
    "indented-code": ("    # code\n", False),
    "none": ("Plain text\n", False),
}


@pytest.mark.parametrize("name", H1, ids=list(H1))
def test_card_headings_go_down_a_level_only_when_the_readme_has_its_own_title(name: str) -> None:
    from ethicard import readme

    text, has_title = H1[name]
    merged = readme.merge(text, "# Card\n\n## Section\n", {})
    assert ("\n## Card\n" in merged and "\n### Section\n" in merged) == has_title
    assert ("\n# Card\n" in merged) != has_title
    assert readme.merge(merged, "# Card\n\n## Section\n", {}) == merged  # and stays so on the next run


def test_training_data_on_the_hub_becomes_the_datasets_key(tmp_path: Path) -> None:
    from cards import full_card, report, with_about

    from ethicard import hub

    sources = [
        {"name": "A", "access": "public", "url": "https://huggingface.co/datasets/owner/chest-xray"},
        {"name": "B", "access": "public", "url": "https://github.com/owner/data"},
        {"name": "C", "access": "private"},
    ]
    data = hub.metadata(report(tmp_path, with_about(full_card("model"), training_data=sources)))
    assert data["datasets"] == ["owner/chest-xray"]
    assert "datasets" not in hub.metadata(report(tmp_path, full_card("model")))
