"""The web flow (upload → columns and preview → confirm) and who may reach an upload."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from kongtun.contributions.models import ContributionPayment, ImportBatch
from kongtun.funds.models import Role
from kongtun.funds.services import role_grant
from kongtun.imports import uploads
from kongtun.imports.uploads import upload_store
from kongtun.ledger.models import JournalEntry
from kongtun.members.models import Member
from tests.imports.conftest import book, write_csv

pytestmark = pytest.mark.django_db


def csv_upload(tmp_path, world, name="book.csv", extra=()) -> SimpleUploadedFile:
    a, b, _c = world.members_a
    rows = book(
        [
            ["1", a.number, "นางสมศรี0 ใจดี", "15/3/2567", "30.-", "1/001"],
            ["2", b.number, "นางสมศรี1 ใจดี", "16/03/67", "๙๐", "1/002"],
            ["", "", "รวม", "", "120.-", ""],
            *extra,
        ]
    )
    return SimpleUploadedFile(name, write_csv(tmp_path / name, rows, encoding="cp874").read_bytes())


def upload(client, fund, file, kind="contributions"):
    return client.post(f"/f/{fund.pk}/imports/", {"kind": kind, "file": file})


def pending_dirs() -> list[Path]:
    root = Path(settings.KONGTUN_IMPORT_DIR)
    return sorted(root.iterdir()) if root.exists() else []


def test_treasurer_uploads_previews_and_confirms(world, client, tmp_path):
    fund = world.fund_a
    client.force_login(world.treasurer_a)
    page = client.get(f"/f/{fund.pk}/imports/")
    assert page.status_code == 200 and "นำเข้า" in page.content.decode()

    response = upload(client, fund, csv_upload(tmp_path, world))
    assert response.status_code == 302
    review_url = response["Location"]
    token = review_url.rstrip("/").split("/")[-1]
    assert [d.name for d in pending_dirs()] == [token]

    page = client.get(review_url)
    html = page.content.decode()
    assert page.status_code == 200
    # the guessed columns are preselected
    form = page.context["form"]
    assert form.initial["col_member_number"] == "1" and form.initial["col_amount"] == "4"
    assert page.context["report"].imported == 2 and page.context["report"].total_amount == 120
    assert "นางสมศรี0 ใจดี" in html and "120.00" in html
    assert not ContributionPayment.objects.exists()

    data = {"header_row": "4", "prev_header_row": "4", "prev_sheet": ""}
    data |= {k: v for k, v in form.initial.items() if k.startswith("col_")}
    response = client.post(f"{review_url}confirm/", data)
    assert response.status_code == 302 and response["Location"] == f"/f/{fund.pk}/imports/"
    assert ContributionPayment.objects.filter(fund=fund).count() == 2
    assert JournalEntry.objects.filter(fund=fund).count() == 1
    assert pending_dirs() == []  # the file is deleted after the import
    page = client.get(f"/f/{fund.pk}/imports/")
    assert "book.csv" in page.content.decode()
    assert client.get(review_url).status_code == 404


def test_changing_a_column_checks_again_and_bad_rows_are_listed(world, client, tmp_path):
    fund = world.fund_a
    client.force_login(world.treasurer_a)
    extra = [["3", "99999", "ไม่มีตัว", "1/3/2567", "30", "1/003"]]
    review_url = upload(client, fund, csv_upload(tmp_path, world, extra=extra))["Location"]
    page = client.get(review_url)
    assert page.context["problem_count"] == 1
    html = page.content.decode()
    assert "99999" in html and "8" in html  # the row as the user sees it
    # confirm imports nothing while a row is bad
    data = {"header_row": "4", "prev_header_row": "4", "prev_sheet": ""}
    data |= {k: v for k, v in page.context["form"].initial.items() if k.startswith("col_")}
    page = client.post(f"{review_url}confirm/", data)
    assert page.status_code == 200 and page.context["problem_count"] == 1
    assert not ContributionPayment.objects.exists()
    # the problems as a CSV file
    csv_text = client.get(
        f"{review_url}problems.csv?{page.context['problems_query']}"
    ).content.decode("utf-8-sig")
    assert "99999" in csv_text.splitlines()[1]
    # choosing the name column as the member number: every row refused, nothing written
    data["col_member_number"] = "2"
    data["col_name"] = ""
    page = client.post(review_url, data)
    assert page.context["problem_count"] == 3


def test_members_are_registered_from_the_web(world, client, tmp_path):
    from tests.conftest import make_nid

    fund = world.fund_a
    client.force_login(world.treasurer_a)
    rows = [
        ["ทะเบียนสมาชิก"],
        ["เลขที่สมาชิก", "ชื่อ-สกุล", "เลขบัตรประชาชน", "วันเกิด", "หมู่", "วันที่สมัคร"],
        ["M-1", "นายคำปัน อินต๊ะ", make_nid("350110077777"), "1/2/2510", "1", "1/3/2558"],
    ]
    file = SimpleUploadedFile("members.csv", write_csv(tmp_path / "m.csv", rows).read_bytes())
    review_url = upload(client, fund, file, kind="members")["Location"]
    page = client.get(review_url)
    assert page.context["report"].imported == 1
    data = {"header_row": "2", "prev_header_row": "2", "prev_sheet": ""}
    data |= {k: v for k, v in page.context["form"].initial.items() if k.startswith("col_")}
    assert client.post(f"{review_url}confirm/", data).status_code == 302
    assert Member.objects.get(fund=fund, number="M-1").first_name == "คำปัน"


def test_too_large_or_unknown_files_are_refused(world, client, monkeypatch, tmp_path):
    client.force_login(world.treasurer_a)
    fund = world.fund_a
    response = upload(client, fund, SimpleUploadedFile("x.pdf", b"%PDF"))
    assert response.status_code == 200 and response.context["form"].errors["file"]
    monkeypatch.setattr("kongtun.imports.forms.MAX_UPLOAD_BYTES", 10)
    response = upload(client, fund, csv_upload(tmp_path, world))
    assert response.status_code == 200 and "file" in response.context["form"].errors
    assert pending_dirs() == []


def test_discarding_deletes_the_upload(world, client, tmp_path):
    client.force_login(world.treasurer_a)
    review_url = upload(client, world.fund_a, csv_upload(tmp_path, world))["Location"]
    assert client.post(f"{review_url}cancel/").status_code == 302
    assert pending_dirs() == []


def test_nobody_else_reaches_an_upload(world, client, make_user, tmp_path):
    """Fund B's upload is 404 to fund A's treasurer, with either fund's id in the URL, and a
    treasurer's upload is 404 even to another money-keeper of the same fund."""
    treasurer_b = make_user("treasurer_b")
    role_grant(fund=world.fund_b, user=treasurer_b, role=Role.TREASURER, actor=None)
    manager_a = make_user("manager_a")
    role_grant(fund=world.fund_a, user=manager_a, role=Role.MANAGER, actor=None)
    b_upload = upload_store(
        fund_id=world.fund_b.pk,
        user_id=treasurer_b.pk,
        kind="contributions",
        filename="b.csv",
        chunks=[csv_upload(tmp_path, world).read()],
    )
    client.force_login(world.treasurer_a)
    for fund in (world.fund_a, world.fund_b):
        base = f"/f/{fund.pk}/imports/{b_upload.token}/"
        assert client.get(base).status_code == 404
        assert client.get(f"{base}problems.csv").status_code == 404
        for action in ("", "confirm/", "cancel/"):
            assert client.post(f"{base}{action}", {"header_row": "4"}).status_code == 404
    assert b_upload.path.exists() and not ImportBatch.objects.exists()

    review_url = upload(client, world.fund_a, csv_upload(tmp_path, world))["Location"]
    client.force_login(manager_a)
    assert client.get(review_url).status_code == 404
    client.force_login(treasurer_b)
    assert client.get(f"/f/{world.fund_b.pk}/imports/{b_upload.token}/").status_code == 200


def test_only_money_keepers_import(world, client):
    for user in (world.chair_a, world.coordinator, world.member_login_a):
        client.force_login(user)
        assert client.get(f"/f/{world.fund_a.pk}/imports/").status_code in (403, 404)


def test_stale_uploads_are_purged(world, tmp_path):
    stored = upload_store(fund_id=1, user_id=1, kind="members", filename="a.csv", chunks=[b"x"])
    written = stored.directory.stat().st_mtime  # the file system's clock, not the test's
    assert uploads.uploads_purge_stale(now=written + uploads.STALE_SECONDS - 10) == 0
    assert uploads.uploads_purge_stale(now=written + uploads.STALE_SECONDS + 10) == 1
    assert not stored.directory.exists()


def test_a_changed_column_is_kept_when_checking_a_workbook_again(world, client, tmp_path):
    import openpyxl

    a = world.members_a[0]
    workbook = openpyxl.Workbook()
    workbook.active.title = "2566"
    workbook.active.append(["ไม่ใช่ข้อมูล"])
    sheet = workbook.create_sheet("2567")
    for row in book([["1", a.number, "", "15/3/2567", "30.-", "1/001"]]):
        sheet.append(row)
    workbook.save(tmp_path / "two.xlsx")
    client.force_login(world.treasurer_a)
    file = SimpleUploadedFile("two.xlsx", (tmp_path / "two.xlsx").read_bytes())
    review_url = upload(client, world.fund_a, file)["Location"]
    page = client.get(review_url)
    assert page.context.get("no_header")  # the first sheet holds no table
    page = client.post(review_url, {"sheet": "2567", "prev_sheet": "2566", "header_row": ""})
    assert page.context["report"].imported == 1 and page.context["header_row"] == 4
    data = {"sheet": "2567", "prev_sheet": "2567", "header_row": "4", "prev_header_row": "4"}
    data |= {k: v for k, v in page.context["form"].initial.items() if k.startswith("col_")}
    data["col_receipt_ref"] = ""  # the user says: no receipt numbers
    page = client.post(review_url, data)
    assert "receipt_ref" not in page.context["report"].columns
    assert client.post(f"{review_url}confirm/", data).status_code == 302
    assert ContributionPayment.objects.get().receipt_ref == ""
