"""Report packages: a fund reports each closed month to its network, signed (decision 0025).

A package is canonical JSON (``body``) and an Ed25519 signature over its UTF-8 bytes. The body
holds the month's published report (``MonthClose.report_json``, which the fund's public page
renders, with its SHA-256), the month's Merkle root and entry count, the chain head at close,
and the fund's heads document (every closed month's root and count, ``ledger.heads``): the
network, which has none of the fund's entries, keeps each package and refuses one whose books
do not extend what it already holds — the witness of decision 0009 held by the network.

File form (a push sends the same bytes)::

    {"kongtun_package": 1, "body": "<canonical JSON>", "signature": "<hex>"}
"""

from __future__ import annotations

import datetime as dt
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kongtun.funds.models import Fund
from kongtun.ledger.heads import fund_heads
from kongtun.ledger.models import MonthClose
from kongtun.network.models import (
    PackageRefusal,
    ReceivedPackage,
    RegisteredKey,
    ReportPackage,
    SigningKey,
)

KIND = "kongtun-report-package"
VERSION = 1
MAX_PACKAGE_BYTES = 2_000_000
Reason = PackageRefusal.Reason


def canonical(data: dict) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# --- the fund's side ------------------------------------------------------------------------


def signing_key_ensure(*, fund: Fund) -> SigningKey:
    """The fund's signing key, made the first time it is needed."""
    key = SigningKey.objects.filter(fund=fund).first()
    if key is not None:
        return key
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return SigningKey.objects.create(fund=fund, private_pem=pem, public_key=public.hex())


def _sign(key: SigningKey, body: str) -> str:
    private = serialization.load_pem_private_key(key.private_pem.encode(), password=None)
    return private.sign(body.encode("utf-8")).hex()


def package_body(*, close: MonthClose) -> dict:
    heads = fund_heads(close.fund)
    # the heads as they stood at this close: months up to it, the head the close recorded
    months = [m for m in heads["months"] if m["month"] <= f"{close.month:%Y-%m}"]
    return {
        "kind": KIND,
        "version": VERSION,
        "fund": close.fund.short_code,
        "month": f"{close.month:%Y-%m}",
        "report": json.loads(close.report_json) if close.report_json else None,
        "report_sha256": close.report_sha256 or "",
        "merkle_root": close.merkle_root or "",
        "entry_count": close.entry_count,
        "head_seq": close.head_seq or 0,
        "chain_head": close.chain_head or "",
        "months": months,
    }


def package_make(*, close: MonthClose) -> ReportPackage:
    """Sign the month's package with the fund's key (made if needed)."""
    key = signing_key_ensure(fund=close.fund)
    body = canonical(package_body(close=close))
    package, _created = ReportPackage.objects.get_or_create(
        fund=close.fund,
        month=close.month,
        defaults={"body": body, "signature": _sign(key, body)},
    )
    return package


def package_make_at_close(*, close: MonthClose) -> ReportPackage | None:
    """At a close: a package when the fund has a signing key (it reports to a network)."""
    if not SigningKey.objects.filter(fund=close.fund).exists():
        return None
    return package_make(close=close)


def package_file(package: ReportPackage) -> bytes:
    return canonical(
        {"kongtun_package": VERSION, "body": package.body, "signature": package.signature}
    ).encode("utf-8")


# --- the network's side ---------------------------------------------------------------------


class PackageRefused(ValidationError):
    """The package was refused and nothing kept but the refusal; ``refusal`` says why."""

    def __init__(self, refusal: PackageRefusal) -> None:
        self.refusal = refusal
        super().__init__(f"{refusal.get_reason_display()}: {refusal.detail}")


def _parse(raw: bytes) -> tuple[dict, str, str]:
    if len(raw) > MAX_PACKAGE_BYTES:
        raise ValueError(_("The file is larger than a report package can be."))
    try:
        outer = json.loads(raw.decode("utf-8"))
        body, signature = outer["body"], outer["signature"]
        data = json.loads(body)
        if data.get("kind") != KIND or not isinstance(signature, str):
            raise ValueError
        for name in ("fund", "month", "report_sha256", "entry_count", "head_seq", "months"):
            if name not in data:
                raise ValueError
        month = dt.date.fromisoformat(data["month"] + "-01")
        int(data["head_seq"]), int(data["entry_count"])
        if not isinstance(data["months"], list):
            raise ValueError
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        raise ValueError(_("This is not a Kongtun report package.")) from None
    return data, body, signature, month


def extension_findings(held: list[ReceivedPackage], data: dict) -> tuple[str, str] | None:
    """(reason, detail) when the new package's books do not extend the packages held, else
    None. Every held month must be in the new heads with the same root and at least as many
    entries, and the new head must not be behind the newest held head."""
    months = {str(m.get("month")): m for m in data["months"] if isinstance(m, dict)}
    new_seq = int(data["head_seq"] or 0)
    month = data["month"]
    for p in held:
        label = f"{p.month:%Y-%m}"
        if label > month:
            continue  # a later month held: compared below from its own side
        m = months.get(label)
        if m is None:
            return Reason.ROLLBACK, _(
                "%(month)s was received as closed, but this package's books have no close "
                "for it: an older copy of the books was restored."
            ) % {"month": label}
        if m.get("root") != p.merkle_root:
            return Reason.ROLLBACK, _(
                "%(month)s's root differs from the one received: the books were rewritten."
            ) % {"month": label}
        if int(m.get("entries") or 0) < p.entry_count:
            return Reason.TRUNCATION, _(
                "%(month)s has %(now)s entries in this package, %(held)s when it was received."
            ) % {"month": label, "now": m.get("entries"), "held": p.entry_count}
        if p.head_seq and new_seq < p.head_seq:
            return Reason.TRUNCATION, _(
                "The books end at entry %(now)s, but entry %(held)s was received with "
                "%(month)s: the newest entries were removed."
            ) % {"now": new_seq, "held": p.head_seq, "month": label}
    for p in held:
        label = f"{p.month:%Y-%m}"
        if label <= month:
            continue
        # an older month arriving late: the later package held must list it as this one says
        later = {str(m.get("month")): m for m in json.loads(p.body)["months"]}
        m = later.get(month)
        if m is None or m.get("root") != data.get("merkle_root"):
            return Reason.ROLLBACK, _(
                "%(later)s was received already and does not list %(month)s with this root."
            ) % {"later": label, "month": month}
        if p.head_seq and new_seq > p.head_seq:
            return Reason.ROLLBACK, _(
                "This package's head (entry %(now)s) is beyond %(later)s's (entry %(held)s)."
            ) % {"now": new_seq, "later": label, "held": p.head_seq}
    return None


def _followed(user: AbstractBaseUser | None, code: str) -> Fund | None:
    """The fund named by the package, if the user follows it as coordinator (a fund the user
    does not follow is "unknown": its existence is not confirmed)."""
    from kongtun.funds.access import active_roles
    from kongtun.funds.models import Role

    fund = Fund.objects.filter(short_code=str(code).upper()).first()
    if fund is None or user is None:
        return fund if user is None else None
    if user.is_superuser:
        return fund
    ok = active_roles(user).filter(fund=fund, role=Role.COORDINATOR).exists()
    return fund if ok else None


def package_receive(*, raw: bytes, via: str, actor: AbstractBaseUser | None) -> ReceivedPackage:
    """Check a package and keep it, or record why it was refused and raise ``PackageRefused``.

    Checked in order: the form, the fund (one the actor follows as coordinator), its
    registered key, the signature, a month already received (the same package again is
    accepted once and returned; different figures are refused), and that its books extend
    the heads already held (no rollback, no truncation)."""
    refusal = None
    with transaction.atomic():
        try:
            data, body, signature, month = _parse(raw)
        except ValueError as exc:
            refusal = PackageRefusal(reason=Reason.MALFORMED, detail=str(exc)[:400])
        else:
            received = _receive_checked(data, body, signature, month, via=via, actor=actor)
            if isinstance(received, ReceivedPackage):
                return received
            refusal = received
        refusal.via = via
        refusal.by = actor if actor is not None and actor.is_authenticated else None
        refusal.save()
    raise PackageRefused(refusal)


def _receive_checked(data, body, signature, month, *, via, actor):
    code = str(data["fund"])[:20]
    fund = _followed(actor, code)
    label = f"{month:%Y-%m}"

    def refuse(reason: str, detail: str) -> PackageRefusal:
        return PackageRefusal(
            fund=fund if reason != Reason.UNKNOWN_FUND else None,
            fund_code=code,
            month=label,
            reason=reason,
            detail=detail[:400],
        )

    if fund is None:
        return refuse(
            Reason.UNKNOWN_FUND, _("No fund you follow has the code %(code)s.") % {"code": code}
        )
    from kongtun.core.concurrency import fund_lock

    fund_lock(fund.pk)  # two uploads of one fund queue: each sees what the other kept
    key = RegisteredKey.objects.filter(fund=fund).first()
    if key is None:
        return refuse(Reason.NO_KEY, _("Register the fund's public key first."))
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(key.public_key)).verify(
            bytes.fromhex(signature), body.encode("utf-8")
        )
    except (InvalidSignature, ValueError):
        return refuse(
            Reason.BAD_SIGNATURE,
            _(
                "The signature does not match the fund's registered key: the package was "
                "changed after it was signed, or signed by another key."
            ),
        )
    existing = ReceivedPackage.objects.filter(fund=fund, month=month).first()
    if existing is not None:
        if existing.body == body:
            existing.already = True  # the same package again (a retried push)
            return existing
        return refuse(
            Reason.DIFFERENT_FIGURES,
            _(
                "%(month)s was received on %(day)s with other figures (report %(old)s…, now "
                "%(new)s…)."
            )
            % {
                "month": label,
                "day": f"{timezone.localtime(existing.received_at):%Y-%m-%d}",
                "old": existing.report_sha256[:12],
                "new": str(data["report_sha256"])[:12],
            },
        )
    held = list(ReceivedPackage.objects.filter(fund=fund).order_by("month"))
    finding = extension_findings(held, data)
    if finding is not None:
        return refuse(*finding)
    return ReceivedPackage.objects.create(
        fund=fund,
        month=month,
        head_seq=int(data["head_seq"]) or None,
        chain_head=str(data.get("chain_head") or "")[:64],
        entries=int(data["head_seq"] or 0),
        entry_count=int(data["entry_count"]),
        merkle_root=str(data.get("merkle_root") or "")[:64],
        report_sha256=str(data["report_sha256"])[:64],
        body=body,
        signature=signature,
        via=via,
    )


def key_register(*, fund: Fund, public_key: str, actor: AbstractBaseUser) -> RegisteredKey:
    """Register a fund's public key with the network, once."""
    text = "".join(public_key.split()).lower()
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(text))
    except ValueError:
        raise ValidationError(
            {"public_key": _("A public key is 64 hexadecimal characters (0–9, a–f).")}
        ) from None
    if RegisteredKey.objects.filter(fund=fund).exists():
        raise ValidationError({"public_key": _("This fund's key is registered already.")})
    return RegisteredKey.objects.create(fund=fund, public_key=text, registered_by=actor)
