"""The projection pages: the assumptions form, running, the results, the exports, refusals,
cancelling, and who may see what."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

import kongtun.projection.services as services
from kongtun.projection.models import ProjectionRun, RunStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline_runs(monkeypatch, settings, tmp_path):
    monkeypatch.setattr(services, "RUN_IN_BACKGROUND", False)
    settings.MEDIA_ROOT = tmp_path


def form_data(response, **changes) -> dict:
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or name in ("upload",):
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list):
            data[name] = value
        else:
            data[name] = str(value)
    data.update(changes)
    return data


def home(world) -> str:
    return f"/f/{world.fund_a.pk}/projection/"


def test_the_form_shows_every_rate_with_its_source(world, client):
    client.cookies["django_language"] = "en"
    client.force_login(world.chair_a)
    response = client.get(home(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert "World Population Prospects 2024" in page
    assert "NHSO" in page
    form = response.context["form"]
    assert len([f for f in form.fields if f.startswith("mx_")]) == 44
    assert "prototype:banthi" in dict(form.fields["sources"].choices)


def run_one(world, client, **changes):
    client.force_login(world.chair_a)
    first = client.get(home(world))
    data = form_data(
        first,
        sources=["prototype:banthi", "prototype:thaneun"],
        scenarios="400",
        years="10",
        **changes,
    )
    return client.post(home(world), data)


def test_a_projection_runs_and_shows_its_results(world, client):
    response = run_one(world, client, title="ทดลอง")
    run = ProjectionRun.objects.get(fund=world.fund_a)
    assert response.status_code == 302 and response["Location"].endswith(f"/runs/{run.pk}/")
    assert run.status == RunStatus.DONE, run.error
    assert run.parameters["members"] == 3
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and "polygon" in page
    assert len(run.summary["regulations"]) == 2
    assert len(run.summary["regulations"][0]["quantiles"][0]) == 11
    compare = client.get(response["Location"] + "compare/")
    assert compare.status_code == 200 and compare.content.decode().count("<svg") >= 2
    status = json.loads(client.get(response["Location"] + "status.json").content)
    assert status == {"status": "done", "progress": 1.0, "error": ""}


def test_exports(world, client):
    response = run_one(world, client)
    url = response["Location"]
    pdf = client.get(url + "report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    png = client.get(url + "chart.png?reg=1")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    svg = client.get(url + "chart.svg?kind=compare")
    assert svg.status_code == 200 and b"<svg" in svg.content
    xlsx = client.get(url + "report.xlsx")
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert len(wb.sheetnames) == 5  # summary, two regulations, assumptions, sources
    sheet = wb.worksheets[1]
    assert sheet.max_row == 12  # header, start, 10 years


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("years", "101", "At most 100 years"),
        ("exit_rate", "150", "between 0 and 1"),
        ("interest_rate", "-150", "−100%"),
        ("mx_M_5", "1.5", "between 0 and 1"),
        ("scenarios", "900000", "MB of memory"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_runs(
    world, client, field, value, message
):
    changes = {field: value}
    if field == "scenarios":
        changes["years"] = "100"
    client.cookies["django_language"] = "en"
    client.force_login(world.chair_a)
    data = form_data(client.get(home(world)), sources=["prototype:banthi"] * 1, **changes)
    if field == "scenarios":
        data["sources"] = ["prototype:banthi", "prototype:thaneun", "prototype:chamung"]
    response = client.post(home(world), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors.get(field, [])), response.context[
        "form"
    ].errors
    assert not ProjectionRun.objects.exists()


def test_a_draft_can_be_uploaded_or_pasted_and_a_broken_one_is_refused(world, client):
    from kongtun.regulations.engine.prototypes import PROTOTYPE_DIR

    client.cookies["django_language"] = "en"
    client.force_login(world.chair_a)
    data = form_data(client.get(home(world)), sources=[], scenarios="200", years="5")
    text = (PROTOTYPE_DIR / "thaneun.yaml").read_text(encoding="utf-8")
    upload = io.BytesIO(text.encode())
    upload.name = "draft.yaml"
    response = client.post(
        home(world), {**data, "upload": upload, "paste": "format: 1\ncode: [oops"}
    )
    assert response.status_code == 200
    assert "cannot be read" in " ".join(response.context["form"].errors["upload"])
    upload.seek(0)
    response = client.post(home(world), {**data, "upload": upload})
    assert response.status_code == 302
    run = ProjectionRun.objects.get()
    assert run.labels == ["Draft: draft.yaml"] or run.labels[0].endswith("draft.yaml")
    assert run.status == RunStatus.DONE
    # nothing chosen at all
    response = client.post(home(world), data)
    assert "Choose at least one regulation" in " ".join(response.context["form"].errors["sources"])


def test_a_stored_regulation_version_can_be_projected(world, client):
    from kongtun.regulations.engine.prototypes import PROTOTYPE_DIR
    from kongtun.regulations.models import RegulationVersion

    v = RegulationVersion.objects.create(
        fund=world.fund_a,
        number=1,
        title="ร่างใหม่",
        content=(PROTOTYPE_DIR / "banthi.yaml").read_text(),
    )
    client.force_login(world.chair_a)
    response = client.get(home(world))
    assert f"version:{v.pk}" in dict(response.context["form"].fields["sources"].choices)
    data = form_data(response, sources=[f"version:{v.pk}"], scenarios="200", years="5")
    assert client.post(home(world), data).status_code == 302
    assert ProjectionRun.objects.get().parameters["regulations"][0]["source"] == f"version:{v.pk}"


def test_run_again_starts_from_the_same_assumptions(world, client):
    response = run_one(world, client, interest_rate="2.5")
    run = ProjectionRun.objects.get()
    again = client.get(home(world) + f"?from={run.pk}")
    form = again.context["form"]
    assert float(form["interest_rate"].value()) == pytest.approx(2.5)
    assert form["sources"].value() == ["prototype:banthi", "prototype:thaneun"]
    assert response.status_code == 302


def test_a_queued_run_can_be_cancelled(world, client):
    client.force_login(world.chair_a)
    run = ProjectionRun.objects.create(
        fund=world.fund_a, parameters={"regulations": []}, seed=1, scenarios=10, years=5
    )
    page = client.get(f"{home(world)}runs/{run.pk}/").content.decode()
    assert 'http-equiv="refresh"' in page
    response = client.post(f"{home(world)}runs/{run.pk}/cancel/")
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED and run.cancel_requested


def test_a_running_run_stops_when_asked(world, monkeypatch):
    """The worker reads the cancel flag from the row and stops between chunks."""
    from kongtun.projection.engine import default_assumptions
    from kongtun.projection.services import RegulationInput, run_create, run_execute
    from kongtun.regulations.engine.prototypes import PROTOTYPE_DIR

    a = default_assumptions(services.timezone.localdate(), scenarios=5000, years=3, seed=1)
    run = run_create(
        fund=world.fund_a,
        actor=None,
        assumptions=a,
        regulations=[
            RegulationInput("b", "prototype:banthi", (PROTOTYPE_DIR / "banthi.yaml").read_text())
        ],
    )
    ProjectionRun.objects.filter(pk=run.pk).update(cancel_requested=True)
    monkeypatch.setattr(services.time, "perf_counter", iter(range(0, 10**6, 10)).__next__)
    run_execute(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED


def test_who_may_see_projections(world, client):
    response = run_one(world, client)
    url = response["Location"]
    client.force_login(world.member_login_a)
    assert client.get(home(world)).status_code == 403
    assert client.get(url).status_code == 403
    client.force_login(world.coordinator)  # reads the books: may look
    assert client.get(url).status_code == 200
    client.force_login(world.chair_b)
    assert client.get(url).status_code == 404
    assert client.get(url + "report.pdf").status_code == 404
    # fund A's chair cannot reach fund B's run through fund A's URL
    b_run = ProjectionRun.objects.create(
        fund=world.fund_b, parameters={"regulations": []}, seed=1, scenarios=10, years=5
    )
    client.force_login(world.chair_a)
    assert client.get(f"{home(world)}runs/{b_run.pk}/").status_code == 404
    assert client.post(f"{home(world)}runs/{b_run.pk}/cancel/").status_code == 404
    b_run.refresh_from_db()
    assert not b_run.cancel_requested


def test_every_message_has_a_thai_translation_with_the_same_placeholders():
    import re
    from pathlib import Path

    from babel.messages.pofile import read_po

    path = (
        Path(__file__).resolve().parents[2] / "kongtun/projection/locale/th/LC_MESSAGES/django.po"
    )
    with path.open("rb") as f:
        catalog = read_po(f, locale="th")
    names = re.compile(r"%\((\w+)\)s")
    count = 0
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        assert all(strings), f"untranslated: {ids[0]!r}"
        assert set(names.findall(strings[0])) == set(names.findall(ids[0])), ids[0]
        count += 1
    assert count > 200


def test_pages_are_thai_by_default(world, client):
    client.force_login(world.chair_a)
    page = client.get(home(world)).content.decode()
    assert "การคาดการณ์ความยั่งยืน" in page and "อัตราตาย" in page


def test_the_first_year_is_set_beside_the_books(world, client):
    """A fund that paid 1,500.00 for a death and 300.00 of hospital nights in the last twelve
    months sees those beside the projection's first year, with the far ones marked."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from kongtun.ledger.services import EntryDraft, LineDraft, account_for, entry_post
    from kongtun.projection.selectors import books_check
    from tests.claims.helpers import opening_money

    fund = world.fund_a
    today = timezone.localdate()
    opening_money(fund)  # cash never goes below zero: the fund holds money to pay from
    for role, amount, days in (("benefit:death", "1500", 30), ("benefit:hospital", "300", 60)):
        entry_post(
            fund=fund,
            draft=EntryDraft(
                date=today - dt.timedelta(days=days),
                description="จ่ายสวัสดิการ",
                lines=[
                    LineDraft(account=account_for(fund, role), debit=Decimal(amount)),
                    LineDraft(account=account_for(fund, "cash"), credit=Decimal(amount)),
                ],
            ),
            actor=None,
            today=today,
        )
    response = run_one(world, client)
    run = ProjectionRun.objects.get(fund=fund)
    rows = {r["label"]: r for r in books_check(run=run)}
    death = rows[account_for(fund, "benefit:death").name_th]
    hospital = rows[account_for(fund, "benefit:hospital").name_th]
    assert (death["actual"], hospital["actual"]) == (1500.0, 300.0)
    first_year = {b["kind"]: b["values"][0] for b in run.summary["regulations"][0]["benefits"]}
    assert hospital["projected"] == pytest.approx(
        first_year.get("hospital", 0) + first_year.get("outpatient", 0), abs=0.01
    )
    assert death["ratio"] == pytest.approx(death["projected"] / 1500, abs=0.01)
    page = client.get(response["Location"]).content.decode()
    assert "ปีแรกของการคาดการณ์เทียบกับบัญชีจริง" in page and "1,500.00" in page
    # the warning next to the headline shows exactly when a line is far from the books
    assert ("ดูการเปรียบเทียบ" in page) == any(r["far"] for r in rows.values())


def test_hospital_rates_weigh_in_the_funds_own_claims_by_credibility(world):
    """Three members under 60, in the fund for the whole three years: 9 member-years. Without
    a regulation paying hospital stays the national rate stands; with one, 30 claims give the
    gamma–Poisson mean (1 + 30) / (1/0.13 + 9), and no outpatient claim under a regulation that
    pays outpatient visits gives 1 / (1/3.53 + 9) — the fund's own experience, not the
    national "every visit" — and the note says so."""
    import datetime as dt

    from django.utils import translation

    from kongtun.projection.services import projection_defaults
    from kongtun.regulations.engine import add_months
    from tests.claims.helpers import approved, file_claim, hospital
    from tests.conftest import TODAY

    fund = world.fund_a
    national = projection_defaults(fund=fund, today=TODAY).assumptions
    assert national.admissions_under60 == 0.13 and national.outpatient_under60 == 3.53

    approved(fund)
    member = world.members_a[0]
    for i in range(30):
        file_claim(fund, hospital(member, on=TODAY - dt.timedelta(days=10 + 30 * i), nights=1))
    file_claim(fund, hospital(member, on=dt.date(2020, 1, 6)))  # before the three years
    d = projection_defaults(fund=fund, today=TODAY)
    years = 3 * (TODAY - add_months(TODAY, -36)).days / 365.25
    assert d.assumptions.admissions_under60 == round(31 / (1 / 0.13 + years), 3)
    assert d.assumptions.admissions_60plus == 0.22  # nobody is 60 or over: nothing to weigh
    assert d.assumptions.outpatient_under60 == round(1 / (1 / 3.53 + years), 3)
    assert d.assumptions.rate_uncertainty["hospital"] == 31.0
    assert "ขอรับ 30 ครั้ง ใน 9.0 คน-ปี" in d.notes["health"]  # Thai by default
    with translation.override("en"):
        note = projection_defaults(fund=fund, today=TODAY).notes["health"]
    z = round(100 * years / (years + 1 / 0.13))
    assert (
        "hospital stays, under 60: 30 claims in 9.0 member-years (3.333 a year), weighed at "
        f"{z}% against the national 0.13"
    ) in note


def test_the_pdf_gives_back_the_thai_it_was_given(world, client):
    """Through the reports' font set-up, SARA AM copies out as typed ("ตำบล", not "ตาบล")."""
    import shutil
    import subprocess

    run_one(world, client, title="ตำบลน้ำคำ ทดลอง")
    run = ProjectionRun.objects.get(fund=world.fund_a)
    pdf = client.get(f"{home(world)}runs/{run.pk}/report.pdf").content
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "ตำบลน้ำคำ ทดลอง" in text
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
        assert "ตำบลน้ำคำ" in out.stdout.decode()


def test_sources_are_cited_in_thai_on_thai_pages(world, client):
    client.force_login(world.chair_a)
    page = client.get(home(world)).content.decode()
    assert "สำนักงานหลักประกันสุขภาพแห่งชาติ" in page and "กองประชากร" in page
    assert "National Health Security Office" not in page
