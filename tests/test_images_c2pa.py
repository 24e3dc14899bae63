"""`ethicard stamp --c2pa-cert --c2pa-key`: C2PA content credentials signed offline, validated by
c2pa's own reader against a private test CA made here (c2pa refuses a bare self-signed certificate)."""

from __future__ import annotations

import datetime
import io
import json
import shutil
from pathlib import Path

import images
import pytest
from conftest import EXAMPLE, Ethicard

TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"


def _certificates(folder: Path) -> tuple[Path, Path, str]:
    """A test CA, a signing certificate it issued (chain file) and the signer's key; the CA as PEM."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)

    def name(common: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, common),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ethicard tests"),
            ]
        )

    def usage(**flags: bool) -> x509.KeyUsage:
        names = (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        )
        return x509.KeyUsage(**{n: flags.get(n, False) for n in names})

    def certificate(
        subject: str, issuer: str, public: object, signing: object, *, authority: bool = False, bare: bool = False
    ) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(name(subject))
            .issuer_name(name(issuer))
            .public_key(public)  # type: ignore[arg-type]
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=authority, path_length=None), critical=True)
        )
        if authority:
            builder = builder.add_extension(usage(key_cert_sign=True, crl_sign=True), critical=True)
            builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)  # type: ignore[arg-type]
        else:
            builder = builder.add_extension(usage(digital_signature=True), critical=True)
            eku = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION])
            builder = builder.add_extension(eku, critical=False)
        if not authority and not bare:
            issuer_key = signing.public_key()  # type: ignore[attr-defined]
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key), critical=False
            )
        return builder.sign(signing, hashes.SHA256())  # type: ignore[arg-type]

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = certificate("ethicard test CA", "ethicard test CA", ca_key.public_key(), ca_key, authority=True)
    signer = certificate("ethicard test signer", "ethicard test CA", key.public_key(), ca_key)
    # self-signed, without an authority key identifier: c2pa refuses to sign with it
    alone = certificate("ethicard test signer", "ethicard test signer", key.public_key(), key, bare=True)
    pem = serialization.Encoding.PEM
    (folder / "self-signed.pem").write_bytes(alone.public_bytes(pem))
    chain, key_file = folder / "chain.pem", folder / "signer.key"
    chain.write_bytes(signer.public_bytes(pem) + ca.public_bytes(pem))
    key_file.write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return chain, key_file, ca.public_bytes(pem).decode()


@pytest.mark.parametrize("maker", ["png", "jpeg"])
def test_c2pa_credentials_validate_against_the_test_ca_and_keep_the_ethicard_marks(
    ethicard: Ethicard, tmp_path: Path, maker: str
) -> None:
    import c2pa

    chain, key, ca = _certificates(tmp_path)
    shutil.copy(EXAMPLE, tmp_path / "card.yaml")
    image = getattr(images, maker)(tmp_path / f"a.{'png' if maker == 'png' else 'jpg'}")
    plain = tmp_path / f"plain{image.suffix}"
    shutil.copy(image, plain)
    result = ethicard("stamp", "card.yaml", image, "--c2pa-cert", chain, "--c2pa-key", key)
    assert result.code == 0, result.err
    assert "signed C2PA content credentials embedded (no thumbnail)" in result.out
    signed = image.read_bytes()
    mime = "image/png" if maker == "png" else "image/jpeg"
    trusted = c2pa.Context(c2pa.Settings.from_dict({"verify": {"verify_trust": True}, "trust": {"trust_anchors": ca}}))
    reader = c2pa.Reader(mime, io.BytesIO(signed), context=trusted)
    assert reader.get_validation_state() == "Trusted"
    store = json.loads(reader.json())
    active = store["manifests"][store["active_manifest"]]
    assertions = {a["label"]: a["data"] for a in active["assertions"]}
    assert assertions["org.ethicard.marker"]["card"]["name"] == "CXR-LDM"
    actions = assertions.get("c2pa.actions.v2", assertions.get("c2pa.actions"))
    assert actions is not None
    assert actions["actions"][0]["digitalSourceType"] == TRAINED
    assert not active.get("thumbnail")
    assert ethicard("stamp", "card.yaml", plain).code == 0
    assert len(signed) - plain.stat().st_size < 20_000  # the manifest, without a ~150 KB thumbnail
    inspected = ethicard("inspect", image, "--card", "card.yaml", "--require-mark")
    assert inspected.code == 0 and ": marked (c2pa, file_metadata: C2PA manifest" in inspected.out
    again = ethicard("stamp", "card.yaml", image, "--c2pa-cert", chain, "--c2pa-key", key)
    assert "already carries this marker and a C2PA manifest" in again.out and image.read_bytes() == signed


def test_a_certificate_c2pa_refuses_gives_a_message_and_nothing_changes(ethicard: Ethicard, tmp_path: Path) -> None:
    chain, key, _ = _certificates(tmp_path)
    shutil.copy(EXAMPLE, tmp_path / "card.yaml")
    image = images.png(tmp_path / "a.png")
    before = image.read_bytes()
    result = ethicard("stamp", "card.yaml", image, "--c2pa-cert", tmp_path / "self-signed.pem", "--c2pa-key", key)
    assert result.code == 1
    assert "a.png: C2PA signing failed" in result.err and "issued by a CA" in result.err
    assert image.read_bytes() == before
    assert ethicard("stamp", "card.yaml", image, "--c2pa-cert", chain).code == 2
