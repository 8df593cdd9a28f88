"""Rendering steps, errors and warnings as Thai and English text.

The catalogue checks run anywhere. The rendering checks need Django settings (they skip when
``DJANGO_SETTINGS_MODULE`` is not set) and a compiled catalogue: ``kongtun.regulations`` in
INSTALLED_APPS (or its ``locale`` in LOCALE_PATHS) and ``manage.py compilemessages``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import kongtun.regulations.engine as engine_pkg
from kongtun.regulations.engine import (
    DraftWarning,
    FormatError,
    PastClaim,
    Payment,
    Step,
    decide,
    load_prototype,
)

from .helpers import event, member

PO = (
    Path(engine_pkg.__file__).resolve().parent.parent
    / "locale"
    / "th"
    / "LC_MESSAGES"
    / "django.po"
)
ENGINE_DIR = Path(engine_pkg.__file__).resolve().parent

needs_django = pytest.mark.skipif(
    not os.environ.get("DJANGO_SETTINGS_MODULE"), reason="needs Django settings"
)


def _msgids_in_source() -> set[str]:
    from babel.messages.extract import extract_from_file

    keywords = {
        "gettext_noop": None,
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "pgettext": ((1, "c"), 2),
    }
    found: set[str] = set()
    for path in ENGINE_DIR.glob("*.py"):
        for _lineno, message, _comments, _context in extract_from_file(
            "python", str(path), keywords=keywords
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _msgids_of_the_pages() -> set[str]:
    """The catalogue also holds the regulation pages' messages (kongtun/regulations/*.py and
    templates/): Python through Babel's extractor, templates' trans/blocktrans by pattern."""
    import re

    from babel.messages.extract import extract_from_file

    app = ENGINE_DIR.parent
    keywords = {"_": None, "gettext": None, "gettext_lazy": None, "ngettext": (1, 2)}
    found: set[str] = set()
    for path in app.glob("*.py"):
        for _lineno, message, _comments, _context in extract_from_file(
            "python", str(path), keywords=keywords
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    trans = re.compile(r"""{%\s*trans\s+(["'])(.*?)\1""")
    block = re.compile(
        r"{%\s*blocktrans\b[^%]*%}(.*?)(?:{%\s*plural\s*%}.*?)?{%\s*endblocktrans\s*%}", re.S
    )
    for path in (app / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        found.update(m.group(2) for m in trans.finditer(text))
        for m in block.finditer(text):
            body = m.group(1).replace("%", "%%")
            found.add(re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", body))
    return found


def test_every_message_has_a_thai_translation() -> None:
    from babel.messages.pofile import read_po

    with PO.open("rb") as f:
        catalog = read_po(f)
    translated = {(m.id[0] if isinstance(m.id, tuple) else m.id): m.string for m in catalog if m.id}
    used = _msgids_in_source()
    assert len(used) > 100
    missing = sorted(m for m in used if not translated.get(m))
    assert missing == []
    pages = _msgids_of_the_pages()
    assert not sorted(m for m in pages if not translated.get(m))
    assert sorted(set(translated) - used - pages) == []  # no stale entries


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext tools not installed")
def test_catalog_passes_msgfmt_check() -> None:
    subprocess.run(["msgfmt", "-c", "-o", os.devnull, str(PO)], check=True)


# ---- with Django ------------------------------------------------------------------------------


@pytest.fixture
def render():  # type: ignore[no-untyped-def]
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    from kongtun.regulations.engine import render as module

    return module


@pytest.fixture
def thai(render):  # type: ignore[no-untyped-def]
    """Skips until the project installs the catalogue; then a missing .mo is a failure."""
    from django.apps import apps
    from django.conf import settings

    locale = PO.parent.parent.parent
    listed = any(Path(p).resolve() == locale for p in settings.LOCALE_PATHS)
    if not (apps.is_installed("kongtun.regulations") or listed):
        pytest.skip("kongtun.regulations is not in INSTALLED_APPS (nor its locale in LOCALE_PATHS)")
    return render


def _chamung_second_stay():  # type: ignore[no-untyped-def]
    m = member(claims=(PastClaim("hospital", date(2024, 2, 1), Decimal("600"), 3),))
    return decide(load_prototype("chamung"), m, event("hospital", date(2024, 3, 1), nights=5))


@needs_django
def test_thai_lines(thai) -> None:  # type: ignore[no-untyped-def]
    render = thai
    lines = render.render_decision(_chamung_second_stay(), "th")
    assert (
        "ข้อ 2: 5 คืน × 200 บาท = 1,000 บาท; เพดานต่อการนอนโรงพยาบาล 1 ครั้ง 600 บาท → 600 บาท ✓"
        in lines
    ), "Thai catalogue not loaded: install kongtun.regulations and run compilemessages"
    assert lines[-1] == "มีสิทธิได้รับ 400 บาท"
    assert any("ในปี 01/01/2567–31/12/2567 จ่ายไปแล้ว 600 บาท" in x for x in lines)

    banthi = decide(
        load_prototype("banthi"),
        member(date(2024, 1, 1), payments=(Payment(date(2024, 1, 1), 12, Decimal(360)),)),
        event("hospital", date(2024, 8, 27), nights=2),
    )
    waiting = next(s for s in banthi.steps if s.code == "waiting_period")
    assert render.render_step(waiting, "th") == "ข้อ 8: เป็นสมาชิก 239 วัน ≥ 180 วัน ✓"


@needs_django
def test_english_lines(render) -> None:  # type: ignore[no-untyped-def]
    lines = render.render_decision(_chamung_second_stay(), "en")
    assert "Clause 2: 5 nights × 200 baht = 1,000 baht; cap per stay 600 baht → 600 baht ✓" in lines
    assert lines[-1] == "Eligible: 400 baht"


def _banthi_shared_cap_step(**changes):  # type: ignore[no-untyped-def]
    """Banthi's hospital claim limited by ข้อ 14, the yearly cap it shares with outpatient."""
    reg = load_prototype("banthi")
    if changes:
        from dataclasses import replace

        reg = replace(reg, group_caps=tuple(replace(g, **changes) for g in reg.group_caps))
    past = (
        PastClaim("hospital", date(2024, 2, 1), Decimal("1400"), 14),
        PastClaim("outpatient", date(2024, 6, 1), Decimal("150"), 3),
    )
    d = decide(reg, member(claims=past), event("hospital", date(2024, 9, 1), nights=3))
    return next(s for s in d.steps if s.params.get("group"))


@needs_django
def test_a_shared_cap_is_named_not_coded(thai) -> None:  # type: ignore[no-untyped-def]
    """The step names the shared cap as the regulation does (its Thai name), or by the
    benefits it groups; never by its code ("medical")."""
    render = thai
    named = _banthi_shared_cap_step()
    th = render.render_step(named, "th")
    assert th.endswith("→ 50 บาท (เพดานร่วม ค่ารักษาพยาบาลรวม) ✓") and "medical" not in th
    en = render.render_step(named, "en")
    assert en.endswith("(shared cap of Hospital stay and Outpatient visit) ✓")
    assert "medical" not in en

    unnamed = _banthi_shared_cap_step(name_th="")
    th = render.render_step(unnamed, "th")
    assert th.endswith("(เพดานร่วมของ นอนโรงพยาบาล และ ผู้ป่วยนอก) ✓"), th
    # a stored step holds the names, so an old claim explains itself without the regulation
    stored = Step(named.code, named.clause, {**named.params}, named.ok)
    assert render.render_step(stored, "th") == render.render_step(named, "th")
    # a step stored before the names were kept: no code either
    old = Step(
        named.code,
        named.clause,
        {k: v for k, v in named.params.items() if not k.startswith("group_")},
        named.ok,
    )
    assert render.render_step(old, "th").endswith("(เพดานร่วม) ✓")
    assert render.render_step(old, "en").endswith("(shared cap) ✓")


@needs_django
def test_every_step_code_renders(render) -> None:  # type: ignore[no-untyped-def]
    """Decisions over all prototypes and many events: no step falls back to raw code+params."""
    codes = set()
    for code in ("banthi", "thaneun", "chamung", "trat_mettatham", "samyaek"):
        reg = load_prototype(code)
        for b in reg.benefits:
            for m in (
                member(),
                member(date(2024, 1, 1), payments=()),
                member(death=date(2024, 3, 1)),
            ):
                for rel in ("self", "child", "spouse"):
                    d = decide(
                        reg,
                        m,
                        event(
                            b.code,
                            date(2024, 3, 1),
                            relative=rel,
                            nights=40,
                            children=2,
                            grade_average=Decimal("2"),
                            school_level="m3",
                        ),
                    )
                    for s in d.steps:
                        codes.add(s.code)
                        for lang in ("th", "en"):
                            text = render.render_step(s, lang)
                            assert "{" not in text and "%(" not in text, text
    assert len(codes) >= 15


@needs_django
def test_errors_and_warnings_render_in_thai(thai) -> None:  # type: ignore[no-untyped-def]
    render = thai
    err = FormatError("benefits[2].amount", "negative", {}, 40)
    assert render.render_error(err, "th") == "benefits[2].amount (บรรทัด 40): ต้องไม่ติดลบ"
    w = DraftWarning(
        "tier_unreachable",
        "benefits[0].tiers.bands[2].lower",
        {
            "benefit": "b",
            "tier": 3,
            "required": {"years": 25, "months": 0, "days": 1},
            "reachable": {"years": 20, "months": 11, "days": 30},
        },
        "15",
    )
    assert render.render_warning(w, "th") == (
        "ข้อ 15: b ขั้นที่ 3 ต้องครบ 25 ปี 1 วัน แต่ทำได้มากที่สุด 20 ปี 11 เดือน 30 วัน"
    )  # the committee reads the clause, not where it sits in the text format
    assert render.render_warning(w, "th", path=True).startswith(
        "benefits[0].tiers.bands[2].lower: ข้อ 15: "
    )
    step = Step("arrears", "9", {"due": 7, "paid": 3, "unpaid": 4, "max": 3}, False)
    assert render.render_step(step, "th") == (
        "ข้อ 9: ค้างส่งเงินสัจจะ 4 เดือน > ที่ยอมให้ 3 เดือน (ถึงกำหนด 7 เดือน ส่งแล้ว 3 เดือน) ✗"
    )


def test_amount_formatting_never_uses_float() -> None:
    from kongtun.regulations.engine.render import format_baht, format_date

    assert format_baht(Decimal("1000.00")) == "1,000"
    assert format_baht("1234567.5") == "1,234,567.50"
    assert format_baht(Decimal("0.10")) == "0.10"
    assert format_date("2024-03-15", "th") == "15/03/2567"
    assert format_date("2024-03-15", "en") == "15/03/2024"


@needs_django
def test_a_cap_per_claim_reads_as_a_unit_and_a_claim_stays_a_claim() -> None:
    """ "per claim" is the unit ครั้ง; the same English word for the claim itself is คำขอ
    (one catalog's unit must not rename another's claims)."""
    from django.utils import translation

    from kongtun.regulations.engine.draft import DraftWarning
    from kongtun.regulations.engine.render import render_warning

    warning = DraftWarning(
        code="cap_never_reached",
        path="benefits[0].caps[0]",
        params={
            "benefit": "x",
            "cap": "9000",
            "period": "event",
            "units": 3,
            "rate": "100",
            "reachable": "300",
        },
    )
    assert "บาทต่อครั้ง" in render_warning(warning, "th")
    assert "per claim" in render_warning(warning, "en")
    with translation.override("th"):
        assert translation.gettext("claim") == "คำขอ"
