"""`ethicard stamp` and `ethicard inspect` through the command line, with the marks read back by
independent readers: exiftool (XMP, IPTC digital source type), Pillow, pydicom and nibabel."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import cast

import images
import pytest
from conftest import EXAMPLE, Ethicard, require_tool

TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
COMPOSITE = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"


@pytest.fixture
def card(tmp_path: Path) -> Path:
    """The example card (format 2) without its labelling block, which the tests write themselves."""
    kept, skipping = [], False
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("labelling:"):
            skipping = True
            continue
        if skipping and line[:1] not in (" ", "\n"):
            skipping = False
        if not skipping:
            kept.append(line)
    path = tmp_path / "card.yaml"
    path.write_text("".join(kept), encoding="utf-8")
    return path


def exiftool(*args: str | Path) -> dict[str, object]:
    done = subprocess.run(
        [require_tool("exiftool"), "-j", "-G1", *map(str, args)], capture_output=True, text=True, check=True
    )
    found: dict[str, object] = json.loads(done.stdout)[0]
    return found


def marker_of(card: Path) -> dict[str, object]:
    import hashlib

    return {"name": "CXR-LDM", "version": "1.0.0", "sha256": hashlib.sha256(card.read_bytes()).hexdigest()}


def test_png_marks_are_read_by_exiftool_and_pillow_with_pixels_and_other_chunks_kept(
    ethicard: Ethicard, tmp_path: Path, card: Path
) -> None:
    from PIL import Image, PngImagePlugin

    image = images.png(tmp_path / "a.png", Software="our generator")
    before = images.png_chunks(image)
    result = ethicard("stamp", card, image)
    assert result.code == 0, result.err
    assert "a.png: stamped (PNG)" in result.out
    after = images.png_chunks(image)
    assert [c for c in after if c[0] == b"IDAT"] == [c for c in before if c[0] == b"IDAT"]
    assert all(chunk in after for chunk in before)  # IHDR, the tEXt Software chunk, IEND: all kept
    tags = exiftool(image)
    assert tags["XMP-iptcExt:DigitalSourceType"] == TRAINED
    marker = json.loads(str(tags["XMP-ethicard:Marker"]))
    assert marker["synthetic"] is True and marker["marker"] == "ethicard/1" and marker["card"] == marker_of(card)
    with Image.open(image) as opened:
        assert isinstance(opened, PngImagePlugin.PngImageFile)
        assert json.loads(opened.text["ethicard"]) == marker
        assert opened.text["Software"] == "our generator"
        assert opened.tobytes() == images.pixels().tobytes()


def test_second_stamp_changes_nothing(ethicard: Ethicard, tmp_path: Path, card: Path) -> None:
    files = [images.png(tmp_path / "a.png"), images.jpeg(tmp_path / "b.jpg"), images.tiff(tmp_path / "c.tif")]
    files += [images.dicom(tmp_path / "d.dcm"), images.nifti(tmp_path / "e.nii"), images.nifti(tmp_path / "f.nii.gz")]
    first = ethicard("stamp", card, tmp_path, "--jobs", "2")
    assert first.code == 0, first.err
    assert [line.split(":")[0] for line in first.out.splitlines()[:-1]] == [str(p) for p in sorted(files)]
    stamped = {path: (path.read_bytes(), path.stat().st_ino) for path in files}
    again = ethicard("stamp", card, tmp_path)
    assert again.code == 0, again.err
    assert again.out.count("already stamped, unchanged") == 6
    assert {path: (path.read_bytes(), path.stat().st_ino) for path in files} == stamped


def test_jpeg_xmp_is_added_without_reencoding_and_existing_xmp_is_kept(
    ethicard: Ethicard, tmp_path: Path, card: Path
) -> None:
    from PIL import Image

    image = images.jpeg(tmp_path / "a.jpg")
    subprocess.run(
        [require_tool("exiftool"), "-q", "-overwrite_original", "-XMP-dc:Title=chest film", str(image)], check=True
    )
    scan = images.jpeg_scan(image)
    with Image.open(image) as opened:
        decoded = opened.tobytes()
    assert ethicard("stamp", card, "--source", "edited", image).code == 0
    assert images.jpeg_scan(image) == scan
    with Image.open(image) as opened:
        assert opened.tobytes() == decoded
    tags = exiftool(image)
    assert tags["XMP-iptcExt:DigitalSourceType"] == COMPOSITE
    assert tags["XMP-dc:Title"] == "chest film"
    assert image.read_bytes()[:4] == b"\xff\xd8\xff\xe0"  # JFIF still first


def test_tiff_gets_xmp_and_keeps_its_description_and_pixels(ethicard: Ethicard, tmp_path: Path, card: Path) -> None:
    from PIL import Image

    described = images.tiff(tmp_path / "a.tif", description="slice 12")
    bare = images.tiff(tmp_path / "b.tif")
    assert ethicard("stamp", card, described, bare).code == 0
    tags = exiftool(described)
    assert tags["XMP-iptcExt:DigitalSourceType"] == TRAINED
    assert tags["IFD0:ImageDescription"] == "slice 12"
    assert str(exiftool(bare)["IFD0:ImageDescription"]).startswith("SYNTHETIC image (trainedAlgorithmicMedia)")
    for path in (described, bare):
        with Image.open(path) as opened:
            assert opened.tobytes() == images.pixels().tobytes()
    validated = subprocess.run(
        [require_tool("exiftool"), "-validate", "-error", "-a", str(bare)], capture_output=True, text=True
    )
    assert "Error" not in validated.stdout


def test_dicom_gets_the_standard_coded_values_and_keeps_its_pixel_data(
    ethicard: Ethicard, tmp_path: Path, card: Path
) -> None:
    import pydicom

    image = images.dicom(tmp_path / "a.dcm", DerivationDescription="denoised")
    original = pydicom.dcmread(image)
    assert ethicard("stamp", card, image).code == 0
    ds = pydicom.dcmread(image)
    assert ds.PixelData == original.PixelData
    assert ds.ConversionType == "SYN"
    assert list(ds.ImageType) == ["DERIVED", "SECONDARY", "AXIAL"]
    assert ds.ContentQualification == "RESEARCH"
    assert "BurnedInAnnotation" not in ds
    assert ds.DerivationDescription.startswith("SYNTHETIC image") and ds.DerivationDescription.endswith(" | denoised")
    (item,) = ds.ContributingEquipmentSequence
    (code,) = item.PurposeOfReferenceCodeSequence
    assert (code.CodeValue, code.CodingSchemeDesignator, code.CodeMeaning) == (
        "109100",
        "DCM",
        "Synthesizing Equipment",
    )
    assert json.loads(item.ContributionDescription)["card"] == marker_of(card)
    assert ds.PatientID == original.PatientID and ds.SOPInstanceUID == original.SOPInstanceUID


def test_nifti_descrip_and_json_extension_read_by_nibabel_voxels_unchanged(
    ethicard: Ethicard, tmp_path: Path, card: Path
) -> None:
    import nibabel

    image = images.nifti(tmp_path / "a.nii", descrip=b"T1 from scanner 3")
    voxels = images.nifti_voxels(image)
    result = ethicard("stamp", card, image)
    assert result.code == 0 and "descrip held 'T1 from scanner 3'" in result.out
    header = cast(nibabel.Nifti1Header, nibabel.load(image).header)
    assert bytes(header["descrip"]).rstrip(b"\0") == b"SYNTHETIC image; ethicard/1 card CXR-LDM 1.0.0"
    contents = [bytes(ext.get_content()).rstrip(b"\0") for ext in header.extensions]
    assert b"previous descrip: T1 from scanner 3" in contents
    assert json.loads(contents[-1])["card"] == marker_of(card)
    assert images.nifti_voxels(image) == voxels


def test_nifti_descrip_is_shortened_visibly_when_the_card_name_is_long(
    ethicard: Ethicard, tmp_path: Path, card: Path
) -> None:
    import nibabel

    card.write_text(card.read_text().replace("name: CXR-LDM", "name: " + "A very long model name " * 4, 1))
    image = images.nifti(tmp_path / "a.nii.gz")
    result = ethicard("stamp", card, image)
    assert result.code == 0, result.err
    assert "descrip shortened to 80 bytes" in result.out
    descrip = bytes(cast(nibabel.Nifti1Header, nibabel.load(image).header)["descrip"]).rstrip(b"\0")
    assert descrip.startswith(b"SYNTHETIC image; ethicard/1 card sha256:") and len(descrip) <= 80


def test_inspect_tells_marked_unmarked_partial_and_inconsistent(ethicard: Ethicard, tmp_path: Path, card: Path) -> None:
    folder = tmp_path / "images"
    folder.mkdir()
    marked = images.png(folder / "1-marked.png")
    partial = images.jpeg(folder / "2-partial.jpg")
    images.png(folder / "3-unmarked.png")
    other = images.png(folder / "4-other.png")
    (folder / "notes.txt").write_text("not an image")
    assert ethicard("stamp", card, marked, partial).code == 0
    subprocess.run(
        [require_tool("exiftool"), "-q", "-overwrite_original", "-XMP-ethicard:all=", str(partial)], check=True
    )
    other_card = tmp_path / "other.yaml"
    other_card.write_text(card.read_text().replace('version: "1.0.0"', 'version: "1.0.1"', 1))
    assert ethicard("stamp", other_card, other).code == 0
    result = ethicard("inspect", folder, "--card", card)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith(f"{marked}: marked (file_metadata: PNG iTXt ethicard, XMP); card CXR-LDM 1.0.0")
    assert (
        lines[1]
        == f"{partial}: partial (file_metadata: XMP); marked synthetic, but with no ethicard marker pointing to a card"
    )
    assert lines[2] == f"{folder / '3-unmarked.png'}: unmarked"
    assert lines[3].startswith(f"{other}: inconsistent") and "another version of the card" in lines[3]
    assert "1 other file in the folders skipped" in result.out
    assert "a missing marker is no evidence that an image is a medical image" in result.out
    assert ethicard("inspect", folder, "--require-mark").code == 1
    assert ethicard("inspect", marked, "--require-mark").code == 0


def test_inspect_json_and_csv_and_jobs_give_the_same_answers(ethicard: Ethicard, tmp_path: Path, card: Path) -> None:
    for n in range(6):
        images.png(tmp_path / f"{n}.png")
    assert ethicard("stamp", card, *(tmp_path / f"{n}.png" for n in range(3))).code == 0
    as_json = ethicard("inspect", tmp_path, "--format", "json", "--jobs", "2")
    data = json.loads(as_json.out)
    assert "no evidence that an image is a medical image" in data["note"]
    assert [entry["status"] for entry in data["files"]] == ["marked"] * 3 + ["unmarked"] * 3
    assert data["summary"]["statuses"]["marked"] == 3 and data["summary"]["mechanisms"]["file_metadata"] == 3
    as_csv = ethicard("inspect", tmp_path, "--format", "csv")
    rows = as_csv.out.splitlines()
    assert rows[0] == "file,status,format,mechanisms,carriers,card,reasons"
    assert [row.split(",")[1] for row in rows[1:]] == ["marked"] * 3 + ["unmarked"] * 3
    assert "no evidence that an image is a medical image" in as_csv.err


def test_a_missing_extra_is_named_and_exits_two(ethicard: Ethicard, tmp_path: Path, card: Path) -> None:
    blocker = tmp_path / "blocked"
    for name in ("pydicom", "nibabel"):
        (blocker / name).mkdir(parents=True)
        (blocker / name / "__init__.py").write_text("raise ImportError('not installed')\n")
    dcm, nii = images.dicom(tmp_path / "a.dcm"), images.nifti(tmp_path / "a.nii")
    env = {"PYTHONPATH": str(blocker)}
    result = ethicard("inspect", dcm, nii, env=env)
    assert result.code == 2
    assert "a.dcm: reading DICOM needs pydicom (install ethicard[dicom])" in result.err
    assert "a.nii: reading NIfTI needs nibabel (install ethicard[nifti])" in result.err
    before = dcm.read_bytes()
    stamped = ethicard("stamp", card, dcm, env=env)
    assert stamped.code == 2 and "install ethicard[dicom]" in stamped.err and dcm.read_bytes() == before
    (blocker / "c2pa").mkdir()
    (blocker / "c2pa" / "__init__.py").write_text("raise ImportError('not installed')\n")
    png = images.png(tmp_path / "a.png")
    (tmp_path / "chain.pem").write_text("-")
    signed = ethicard("stamp", card, png, "--c2pa-cert", "chain.pem", "--c2pa-key", "chain.pem", env=env)
    assert signed.code == 2
    assert "a.png: signing C2PA content credentials needs c2pa-python (install ethicard[c2pa])" in signed.err


def test_bigtiff_gets_a_sidecar_and_says_so(ethicard: Ethicard, tmp_path: Path, card: Path) -> None:
    import struct

    image = tmp_path / "big.tif"  # a minimal BigTIFF header: ethicard does not rewrite BigTIFF
    image.write_bytes(b"II+\0" + struct.pack("<HHQ", 8, 0, 16) + struct.pack("<Q", 0) + bytes(64))
    result = ethicard("stamp", card, image)
    assert result.code == 0, result.err
    assert "marked by a sidecar file" in result.out and "big.tif.ethicard.json" in result.out
    assert json.loads((tmp_path / "big.tif.ethicard.json").read_text())["marker"]["card"] == marker_of(card)
    assert ethicard("inspect", image).out.startswith(f"{image}: marked (sidecar: sidecar)")
    image.write_bytes(image.read_bytes() + b"x")
    assert "describes another file" in ethicard("inspect", image).out
    assert os.path.getsize(image) == 89


LABELLING = """
labelling:
  methods: [file_metadata, dicom_attributes, visible_mark]
  coverage: all
  carriers: "PNG iTXt + XMP; DICOM Conversion Type SYN"
"""


def test_check_images_finds_the_claims_the_images_contradict_located_in_the_card(
    ethicard: Ethicard, tmp_path: Path, card: Path
) -> None:
    card.write_text(card.read_text() + LABELLING)
    lines = card.read_text().splitlines()
    released = tmp_path / "released"
    released.mkdir()
    marked, unmarked = images.png(released / "a.png"), images.png(released / "b.png")
    assert ethicard("stamp", card, marked).code == 0
    result = ethicard("check", card, "--images", released)
    assert result.code == 1
    coverage = next(n for n, line in enumerate(lines, 1) if line.startswith("  coverage: all"))
    methods = next(n for n, line in enumerate(lines, 1) if line.startswith("  methods:"))
    status = next(n for n, line in enumerate(lines, 1) if line.strip() == "status: addressed")
    assert (
        f"{card}:{coverage}:13: labelling.coverage: the card says every synthetic image is marked, but 1 of 2"
        in result.out
    )
    assert (
        f"{card}:{methods}:28: labelling.methods[1]: the card names the method dicom_attributes, but no image"
        in result.out
    )
    assert (
        f"{card}:{status}:" in result.out
        and "synthetic_image_labelling.status: the answer says labelling is addressed" in result.out
    )
    assert "not checked from the files: visible_mark" in result.out
    assert "no evidence that an image is a medical image" in result.out
    assert "labelling.methods[0]" not in result.out and "labelling.methods[2]" not in result.out
    # every image stamped with this card, and a card that claims only what is there: no finding
    assert ethicard("stamp", card, unmarked).code == 0
    card.write_text(card.read_text().replace("[file_metadata, dicom_attributes, visible_mark]", "[file_metadata]"))
    assert ethicard("stamp", card, released).code == 0  # the card changed, so its hash did: stamp again
    clean = ethicard("check", card, "--images", released)
    assert clean.code == 0, clean.out
    assert "images in" in clean.out and "(2 marked, 0 partial, 0 inconsistent, 0 unmarked, 0 error)" in clean.out


def test_check_images_reports_images_marked_for_another_version_of_the_card(
    ethicard: Ethicard, tmp_path: Path, card: Path
) -> None:
    released = tmp_path / "released"
    released.mkdir()
    assert ethicard("stamp", card, images.png(released / "a.png")).code == 0
    card.write_text(card.read_text() + LABELLING.replace("coverage: all", "coverage: some"))
    result = ethicard("check", card, "--images", released)
    assert result.code == 1
    assert "labelling: 1 of 1 images in" in result.out and "carry marks of another card" in result.out
    assert ethicard("check", card, card, "--images", released).code == 2


def test_inspect_of_png_jpeg_tiff_imports_no_card_or_field_library(tmp_path: Path) -> None:
    import sys

    images.png(tmp_path / "a.png"), images.jpeg(tmp_path / "b.jpg"), images.tiff(tmp_path / "c.tif")
    heavy = ["jinja2", "markdown", "nibabel", "numpy", "pydantic", "pydicom", "yaml"]
    code = (
        "import sys\nfrom ethicard.cli import main\nmain(sys.argv[1:])\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r})))"
    )
    done = subprocess.run([sys.executable, "-c", code, "inspect", str(tmp_path)], capture_output=True, text=True)
    assert done.stdout.splitlines()[-1] == "[]"
    assert done.stdout.count(": unmarked") == 3


def test_check_images_findings_are_part_of_every_report(ethicard, tmp_path: Path, card: Path) -> None:  # type: ignore[no-untyped-def]
    card.write_text(card.read_text() + LABELLING)
    coverage = next(n for n, line in enumerate(card.read_text().splitlines(), 1) if line.startswith("  coverage: all"))
    released = tmp_path / "released"
    released.mkdir()
    images.png(released / "a.png")  # not stamped: the card's "coverage: all" is contradicted
    claim = "the card says every synthetic image is marked, but 1 of 1"

    text = ethicard("check", card, "--images", released)
    assert text.code == 1 and f"{card}:{coverage}:13: labelling.coverage: {claim}" in text.out

    as_json = ethicard("check", card, "--images", released, "--format", "json")
    assert as_json.code == 1 and as_json.err == ""
    (entry,) = json.loads(as_json.out)["files"]
    found = entry["images"]
    assert found["folder"] == str(released) and found["images"] == 1 and found["statuses"]["unmarked"] == 1
    assert found["not_checked"] == ["visible_mark"]
    coverage_finding = next(f for f in found["findings"] if f["path"] == "labelling.coverage")
    assert coverage_finding["line"] == coverage and coverage_finding["message"].startswith(claim)

    sarif = ethicard("check", card, "--images", released, "--format", "sarif")
    assert sarif.code == 1
    run = json.loads(sarif.out)["runs"][0]
    ours = [r for r in run["results"] if r["ruleId"] == "images/labelling"]
    assert any(
        r["message"]["text"].startswith(f"labelling.coverage: {claim}")
        and r["locations"][0]["physicalLocation"]["region"]["startLine"] == coverage
        for r in ours
    )
    rules = run["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == "images/labelling" for r in ours)

    github = ethicard("check", card, "--images", released, "--format", "github")
    assert github.code == 1
    assert f"::error file={card},line={coverage},col=13,title=ethicard%3A images contradict the card::" in github.out
    assert f"::notice file={card},title=ethicard%3A images::{card}: images in {released}: 1 (" in github.out


def test_check_images_of_a_card_in_csv_puts_the_findings_on_standard_error(  # type: ignore[no-untyped-def]
    ethicard, tmp_path: Path, card: Path
) -> None:
    card.write_text(card.read_text() + LABELLING)
    released = tmp_path / "released"
    released.mkdir()
    images.png(released / "a.png")
    done = ethicard("check", card, "--images", released, "--format", "csv")
    assert done.code == 1 and done.out.count("\n") == 2  # the header and the card's row, as without --images
    assert "labelling.coverage: the card says every synthetic image is marked" in done.err
