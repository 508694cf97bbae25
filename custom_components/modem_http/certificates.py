"""Checking that a CA, a client certificate and its key are what they claim, before any upload.

A modem takes any bytes as a certificate file and only fails later, at the first HTTPS request
(SIMCom 715, a Quectel socket error), long after the user chose the file. So every file is
checked here first, with the `cryptography` package Home Assistant itself ships: PEM text (the
format the modems' certificate commands take), blocks of the right type that parse, a key that
is not encrypted (the modems have no way to be given its password) and that belongs to the
client certificate, within the size the modems accept.

Nothing here touches the disk or the modem: callers hand over the bytes they read or fetched.
"""

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_private_key,
)

from .atmodem.tls import MAX_CERT_FILE
from .const import CONF_CA_PATH, CONF_CLIENT_CERT_PATH, CONF_CLIENT_KEY_PATH

_BLOCK: Final = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END \1-----", re.DOTALL)
_KEY_TYPES: Final = frozenset({b"PRIVATE KEY", b"RSA PRIVATE KEY", b"EC PRIVATE KEY"})


class Problem(StrEnum):
    """What is wrong with a file; each is an options-form error and a message of its own."""

    EMPTY = "certificate_empty"
    TOO_LARGE = "certificate_too_large"
    NOT_PEM = "certificate_not_pem"
    NOT_A_CERTIFICATE = "certificate_invalid"
    NOT_A_KEY = "key_invalid"
    KEY_ENCRYPTED = "key_encrypted"
    KEY_MISMATCH = "key_mismatch"


_EXPLANATIONS: Final = {
    Problem.EMPTY: "the file is empty",
    Problem.TOO_LARGE: f"the file is larger than the {MAX_CERT_FILE} bytes a modem takes",
    Problem.NOT_PEM: "the file is not PEM text (-----BEGIN ...----- blocks)",
    Problem.NOT_A_CERTIFICATE: "the file holds no valid PEM certificate, or something else too",
    Problem.NOT_A_KEY: "the file holds no valid unencrypted PEM private key",
    Problem.KEY_ENCRYPTED: "the private key is encrypted; the modem cannot be given its password",
    Problem.KEY_MISMATCH: "the private key does not belong to the client certificate",
}


class CertificateError(ValueError):
    """A file is not what it claims to be; `problem` says how."""

    def __init__(self, problem: Problem) -> None:
        """The explanation is English text for logs and placeholders; forms use the key."""
        self.problem = problem
        super().__init__(_EXPLANATIONS[problem])


@dataclass(frozen=True, slots=True)
class CertificateFile:
    """A local certificate or key file, the option that names it, its name on the modem."""

    option: str
    local_path: str
    modem_name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class ClientIdentity:
    """A client certificate and the key that goes with it, both checked."""

    certificate: x509.Certificate
    key: PrivateKeyTypes


def check_ca(data: bytes) -> list[x509.Certificate]:
    """The certificates of a CA file (one, or a bundle); CertificateError if it is anything else.

    Text between the blocks (the comments of a bundle such as certifi's) is allowed; a block of
    another type (a private key chosen by mistake) is not.
    """
    return _certificates(data)


def check_client_certificate(data: bytes) -> x509.Certificate:
    """The client certificate (the first block; the chain may follow it)."""
    return _certificates(data)[0]


def check_private_key(data: bytes) -> PrivateKeyTypes:
    """One unencrypted PEM private key."""
    blocks = _blocks(data)
    kinds = [kind for kind, _ in blocks]
    if kinds == [b"ENCRYPTED PRIVATE KEY"] or any(b"ENCRYPTED" in body for _, body in blocks):
        raise CertificateError(Problem.KEY_ENCRYPTED)
    if len(blocks) != 1 or kinds[0] not in _KEY_TYPES:
        raise CertificateError(Problem.NOT_A_KEY)
    try:
        return load_pem_private_key(data, password=None)
    except TypeError as err:  # "Password was not given but private key is encrypted"
        raise CertificateError(Problem.KEY_ENCRYPTED) from err
    except (ValueError, UnsupportedAlgorithm) as err:
        raise CertificateError(Problem.NOT_A_KEY) from err


def check_client_identity(certificate: bytes, key: bytes) -> ClientIdentity:
    """The certificate and the key, each checked, and the key the certificate's own."""
    cert = check_client_certificate(certificate)
    private = check_private_key(key)
    if _public(cert.public_key()) != _public(private.public_key()):
        raise CertificateError(Problem.KEY_MISMATCH)
    return ClientIdentity(cert, private)


def certificate_problems(files: list[CertificateFile]) -> dict[str, Problem]:
    """What is wrong with each file (option key -> problem); empty when all are fine."""
    problems: dict[str, Problem] = {}
    by_option = {file.option: file for file in files}
    checks = (
        (CONF_CA_PATH, check_ca),
        (CONF_CLIENT_CERT_PATH, check_client_certificate),
        (CONF_CLIENT_KEY_PATH, check_private_key),
    )
    for option, check in checks:
        if (file := by_option.get(option)) is not None:
            try:
                check(file.data)
            except CertificateError as err:
                problems[option] = err.problem
    cert, key = by_option.get(CONF_CLIENT_CERT_PATH), by_option.get(CONF_CLIENT_KEY_PATH)
    if cert is not None and key is not None and not problems.keys() & {cert.option, key.option}:
        try:
            check_client_identity(cert.data, key.data)
        except CertificateError as err:
            problems[key.option] = err.problem
    return problems


def _public(key: PublicKeyTypes) -> bytes:
    """The key as SubjectPublicKeyInfo DER: equal exactly when the keys are the same."""
    return key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def _certificates(data: bytes) -> list[x509.Certificate]:
    blocks = _blocks(data)
    if not blocks or any(kind != b"CERTIFICATE" for kind, _ in blocks):
        raise CertificateError(Problem.NOT_A_CERTIFICATE)
    try:
        return x509.load_pem_x509_certificates(data)
    except ValueError as err:
        raise CertificateError(Problem.NOT_A_CERTIFICATE) from err


def _blocks(data: bytes) -> list[tuple[bytes, bytes]]:
    """The PEM blocks (type, body) of a file that is PEM text within the modems' size."""
    if not data.strip():
        raise CertificateError(Problem.EMPTY)
    if len(data) > MAX_CERT_FILE:
        raise CertificateError(Problem.TOO_LARGE)
    if not data.isascii() or b"\x00" in data:
        raise CertificateError(Problem.NOT_PEM)
    blocks = [(match.group(1), match.group(2)) for match in _BLOCK.finditer(data)]
    if not blocks:
        raise CertificateError(Problem.NOT_PEM)
    return blocks


__all__ = [
    "CertificateError",
    "CertificateFile",
    "ClientIdentity",
    "Problem",
    "certificate_problems",
    "check_ca",
    "check_client_certificate",
    "check_client_identity",
    "check_private_key",
]
