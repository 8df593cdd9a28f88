"""The backup file: a readable manifest, an encrypted compressed payload, a checksum (0014).

Layout (all lengths big-endian)::

    b"KONGTUN-BACKUP 1\\n"
    u32 n + n bytes: the protected header (JSON: manifest, key derivation, cipher, nonce)
    u32 n + n bytes: the checksum (JSON: SHA-256 of the protected header and the payload)
    the payload: AES-256-GCM ciphertext of a tar.gz, then its 16-byte tag

The manifest is readable without the passphrase (``restore --inspect``); the checksum finds a
damaged or altered file without the passphrase; the GCM tag (with the protected header as
associated data) proves, with the passphrase, that neither the manifest nor the payload was
changed by someone who does not know it. The key comes from the passphrase by scrypt.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"KONGTUN-BACKUP 1\n"
TAG_BYTES = 16
CHUNK = 1 << 20
#: scrypt cost: 128 MiB of memory and about half a second on a laptop, for each guess.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1


class ArchiveError(Exception):
    """A backup file that cannot be used; the message says why in one line."""


class NotABackup(ArchiveError):
    pass


class ChecksumMismatch(ArchiveError):
    pass


class WrongPassphrase(ArchiveError):
    pass


@dataclass(frozen=True)
class Header:
    protected: bytes  # exact bytes, the GCM associated data
    checksum: dict
    payload_offset: int

    @property
    def fields(self) -> dict:
        return json.loads(self.protected)

    @property
    def manifest(self) -> dict:
        return self.fields["manifest"]


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def write(out: BinaryIO, *, manifest: dict, payload_path: Path, passphrase: str) -> str:
    """Encrypt the file at ``payload_path`` into ``out``; return the checksum written."""
    salt, nonce = os.urandom(16), os.urandom(12)
    protected = json.dumps(
        {
            "manifest": manifest,
            "kdf": {
                "name": "scrypt",
                "salt": _b64(salt),
                "n": SCRYPT_N,
                "r": SCRYPT_R,
                "p": SCRYPT_P,
            },
            "cipher": {"name": "AES-256-GCM", "nonce": _b64(nonce)},
        },
        ensure_ascii=False,
        sort_keys=True,
    ).encode("utf-8")
    key = _key(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    encryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(protected)
    # The checksum covers what follows it, so it is computed first into a spooled copy of the
    # ciphertext: write the ciphertext after a placeholder, then fill the placeholder in.
    digest = hashlib.sha256(protected)
    size = 0
    out.write(MAGIC)
    out.write(struct.pack(">I", len(protected)))
    out.write(protected)
    placeholder_at = out.tell()
    placeholder = _checksum_bytes("0" * 64, 0)
    out.write(struct.pack(">I", len(placeholder)))
    out.write(placeholder)
    with open(payload_path, "rb") as src:
        while chunk := src.read(CHUNK):
            block = encryptor.update(chunk)
            digest.update(block)
            size += len(block)
            out.write(block)
    tail = encryptor.finalize() + encryptor.tag
    digest.update(tail)
    size += len(tail)
    out.write(tail)
    checksum = digest.hexdigest()
    out.seek(placeholder_at)
    filled = _checksum_bytes(checksum, size)
    assert len(filled) == len(placeholder)
    out.write(struct.pack(">I", len(filled)))
    out.write(filled)
    out.seek(0, os.SEEK_END)
    return checksum


def _checksum_bytes(sha: str, size: int) -> bytes:
    return json.dumps({"payload_sha256": sha, "payload_bytes": f"{size:020d}"}).encode("ascii")


def read_header(path: Path) -> Header:
    with open(path, "rb") as f:
        if f.read(len(MAGIC)) != MAGIC:
            raise NotABackup(f"{path} is not a Kongtun backup")
        try:
            (n,) = struct.unpack(">I", f.read(4))
            protected = f.read(n)
            (m,) = struct.unpack(">I", f.read(4))
            checksum = json.loads(f.read(m))
            json.loads(protected)
        except (struct.error, ValueError) as exc:
            raise NotABackup(f"{path}: the backup's header is damaged") from exc
        return Header(protected=protected, checksum=checksum, payload_offset=f.tell())


def verify_checksum(path: Path, header: Header | None = None) -> Header:
    """Raise ChecksumMismatch unless the file is exactly as written."""
    header = header or read_header(path)
    digest = hashlib.sha256(header.protected)
    size = 0
    with open(path, "rb") as f:
        f.seek(header.payload_offset)
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    expected = header.checksum.get("payload_sha256")
    if digest.hexdigest() != expected or size != int(header.checksum.get("payload_bytes", -1)):
        raise ChecksumMismatch(
            f"{path.name}: the checksum differs — the file is damaged or was altered; "
            "nothing was restored"
        )
    return header


def decrypt(path: Path, *, passphrase: str, into: BinaryIO, header: Header | None = None) -> Header:
    """Checksum, then decrypt the payload into ``into``. What is written there is usable only
    when this returns: a wrong passphrase or an altered file raises at the end."""
    header = verify_checksum(path, header)
    fields = header.fields
    kdf, cipher = fields["kdf"], fields["cipher"]
    if kdf.get("name") != "scrypt" or cipher.get("name") != "AES-256-GCM":
        raise NotABackup(f"{path.name}: unknown encryption {cipher.get('name')!r}")
    key = _key(
        passphrase, base64.b64decode(kdf["salt"]), int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
    )
    total = int(header.checksum["payload_bytes"]) - TAG_BYTES
    with open(path, "rb") as f:
        f.seek(header.payload_offset + total)
        tag = f.read(TAG_BYTES)
        f.seek(header.payload_offset)
        decryptor = Cipher(
            algorithms.AES(key), modes.GCM(base64.b64decode(cipher["nonce"]), tag)
        ).decryptor()
        decryptor.authenticate_additional_data(header.protected)
        left = total
        while left > 0:
            chunk = f.read(min(CHUNK, left))
            if not chunk:
                raise ChecksumMismatch(f"{path.name}: the file is cut short")
            left -= len(chunk)
            into.write(decryptor.update(chunk))
        try:
            into.write(decryptor.finalize())
        except InvalidTag:
            raise WrongPassphrase(
                f"{path.name}: wrong passphrase (the backup cannot be opened with it); "
                "nothing was restored"
            ) from None
    return header
