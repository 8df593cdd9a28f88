"""Importing a member register: ``members.services.member_create``'s rules for the whole file
at once, written with ``bulk_create`` (decision 0005)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kongtun.core.concurrency import fund_lock, retry_transient
from kongtun.core.models import Counter as NumberCounter
from kongtun.core.statistics import tables_analyze_on_commit
from kongtun.core.thaidates import BE_OFFSET
from kongtun.funds.models import Fund, OccupationGroup, Village
from kongtun.imports.mapping import (
    MEMBER_FIELDS,
    normalize_header,
)
from kongtun.imports.readers import ReadError, ReadLimits, cell_text, file_sha256
from kongtun.imports.services.common import (
    THAI_DIGITS,
    ImportMapping,
    ImportRejected,
    ImportReport,
    RowProblem,
    data_rows_after_header,
    date_info,
    is_blank,
    open_or_reject,
    refusal_reasons,
    register_total_label,
    resolve_layout,
    same_as_header,
    split_title,
)
from kongtun.ledger.services import closed_month_problem, closed_months
from kongtun.members.models import Beneficiary, Member, MemberStatus
from kongtun.members.services import name_search_key, national_id_clean, normalize_name

_SEX = {
    "m": "M",
    "male": "M",
    "ช": "M",
    "ชาย": "M",
    "เพศชาย": "M",
    "f": "F",
    "female": "F",
    "ญ": "F",
    "หญิง": "F",
    "เพศหญิง": "F",
}
# Words treasurers write for an occupation, to the default groups' codes.
_OCCUPATION_WORDS = {
    "ทำนา": "farmer",
    "ทำสวน": "farmer",
    "ทำไร่": "farmer",
    "เกษตร": "farmer",
    "เลี้ยงสัตว์": "farmer",
    "รับจ้าง": "general_labour",
    "รับจ้างทั่วไป": "general_labour",
    "ค้าขาย": "small_trader",
    "แม่ค้า": "small_trader",
    "ประมง": "fisher",
    "ก่อสร้าง": "construction",
    "แม่บ้าน": "domestic",
    "หัตถกรรม": "handicraft",
    "จักสาน": "handicraft",
    "ทอผ้า": "handicraft",
    "วินมอเตอร์ไซค์": "motorcycle_taxi",
}


def _village_number(value: object) -> int | None:
    text = cell_text(value).translate(THAI_DIGITS)
    digits = re.findall(r"\d+", text)
    return int(digits[0]) if len(digits) == 1 else None


@retry_transient
@transaction.atomic
def members_import(
    *,
    fund: Fund,
    path: str | Path,
    actor: AbstractBaseUser | None,
    filename: str = "",
    mapping: ImportMapping | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
    preview: int = 0,
    limits: ReadLimits | None = None,
) -> ImportReport:
    """Register the members of a member register (CSV or spreadsheet), with the checks of
    ``members.services.member_create`` (national ID check digit, one ID per fund, names,
    dates, village, occupation, number), done for the whole file at once. A row identical to
    a member already registered (same national ID and name) is counted as already imported.
    """
    if not dry_run:
        fund_lock(fund.pk)  # the fund's row first, as every writer (decision 0016)
    today = today or timezone.localdate()
    closed = closed_months(fund)
    mapping = mapping or ImportMapping()
    path = Path(path)
    filename = filename or path.name
    table = open_or_reject(path, filename, mapping, limits)
    layout = resolve_layout(table, MEMBER_FIELDS, mapping)
    report = ImportReport(
        kind="members",
        filename=filename,
        sha256=file_sha256(path),
        header_row=layout.header_row,
        columns={name: layout.label(name) for name in layout.columns},
        dry_run=dry_run,
    )
    cols = layout.columns
    label = {f.name: str(f.label) for f in MEMBER_FIELDS} | {
        name: layout.label(name) for name in cols
    }
    width = max(cols.values()) + 1
    header_keys = [normalize_header(c) for c in layout.header]
    reasons = refusal_reasons()
    problems: list[RowProblem] = []

    existing = {
        nid: (number, key)
        for nid, number, key in Member.objects.filter(fund=fund).values_list(
            "national_id", "number", "name_search"
        )
    }
    numbers_taken = {number for number, _key in existing.values()}
    villages = dict(Village.objects.filter(fund=fund).values_list("number", "pk"))
    groups = list(OccupationGroup.objects.filter(fund=fund, active=True))
    group_by_key: dict[str, int] = {}
    for g in groups:
        for key in (g.code, g.name_th, g.name_en):
            if key:
                group_by_key[normalize_header(key)] = g.pk
    for word, code in _OCCUPATION_WORDS.items():
        match = next((g.pk for g in groups if g.code == code), None)
        if match:
            group_by_key.setdefault(normalize_header(word), match)
    other_group = next((g.pk for g in groups if g.code == "other"), None)

    def get(cells: list, name: str) -> object:
        return cells[cols[name]] if name in cols else ""

    person_cols = [cols[name] for name in ("national_id", "birth_date", "join_date")]
    seen_nid: dict[str, int] = {}
    seen_number: dict[str, int] = {}
    dates: dict[object, object] = {}
    accepted: list[dict] = []
    # rows above the header are the book's title
    skipped = {"blank": 0, "total": 0, "title": layout.header_row - 1, "header": 0}
    data_rows = already_count = 0
    n = layout.header_row

    def parse_day(value: object, column: str, n: int) -> dt.date | None:
        info = dates.get(value)
        if info is None:
            info = dates[value] = date_info(
                value, today=dt.date.max, founded=dt.date.min, closed=set()
            )
        if info.__class__ is str:
            problems.append(RowProblem(n, label[column], cell_text(value), reasons[info]))
            return None
        return info[3]

    try:
        for n, cells in data_rows_after_header(table, layout):
            if len(cells) < width:
                cells = list(cells) + [""] * (width - len(cells))
            if progress is not None and not n % 500:
                progress(n)
            if is_blank(cells):
                skipped["blank"] += 1
                continue
            if register_total_label(cells) and not any(cell_text(cells[c]) for c in person_cols):
                # the register's count (รวม 368 คน): a total word followed by a count only,
                # and none of what registers a person — a member may be called รวมชัย
                skipped["total"] += 1
                continue
            if same_as_header(cells, header_keys):
                skipped["header"] += 1
                continue
            if sum(1 for col in cols.values() if cell_text(cells[col])) <= 1:
                skipped["title"] += 1  # a heading such as "ทะเบียนสมาชิก หมู่ 3"
                continue
            data_rows += 1
            before = len(problems)

            def bad(name: str, value: object, reason: str, n: int = n) -> None:
                problems.append(RowProblem(n, label[name], cell_text(value), reason))

            # Names: a full-name column, or first and last name columns.
            title = cell_text(get(cells, "title"))
            sex_from_title = ""
            if "first_name" in cols or "last_name" in cols:
                first = cell_text(get(cells, "first_name"))
                last = cell_text(get(cells, "last_name"))
                if not title:
                    title, first, sex_from_title = split_title(first)
            else:
                full = cell_text(get(cells, "full_name"))
                t, rest, sex_from_title = split_title(full)
                title = title or t
                first, _sp, last = rest.partition(" ")
                last = last.strip()
            if title:
                t, rest, s = split_title(title)
                title, sex_from_title = (t or title), (s or sex_from_title)
            if not normalize_name(first):
                bad(
                    "first_name" if "first_name" in cols else "full_name",
                    first,
                    _("Please enter the first name."),
                )
            if not normalize_name(last):
                bad(
                    "last_name" if "last_name" in cols else "full_name",
                    last,
                    _("Please enter the last name."),
                )
            # National ID: the same check digit rule and message as a registration.
            nid_value = get(cells, "national_id")
            nid = ""
            try:
                nid = national_id_clean(cell_text(nid_value).replace("-", "").replace(" ", ""))
            except ValidationError as exc:
                for message in exc.message_dict.get("national_id", []):
                    bad("national_id", nid_value, message)
            birth = parse_day(get(cells, "birth_date"), "birth_date", n)
            join = parse_day(get(cells, "join_date"), "join_date", n)
            if birth and birth > today:
                bad("birth_date", birth, _("The birth date cannot be in the future."))
            if join:
                if join > today:
                    bad("join_date", join, _("The join date cannot be in the future."))
                if join < fund.founded_on:
                    bad("join_date", join, _("The join date is before the fund was founded."))
                if birth and join < birth:
                    bad("join_date", join, _("The join date is before the birth date."))
                if join.replace(day=1) in closed:  # a published month counts its joins
                    bad("join_date", join, closed_month_problem(fund, join))
            sex_text = normalize_header(get(cells, "sex"))
            sex = _SEX.get(sex_text, "") if sex_text else sex_from_title
            if not sex:
                bad(
                    "sex" if "sex" in cols else "title",
                    get(cells, "sex") or title,
                    _("Please choose the sex.")
                    if not sex_text
                    else _("Write the sex as ชาย/หญิง or M/F."),
                )
            village_value = get(cells, "village")
            village_number = _village_number(village_value)
            village_id = villages.get(village_number) if village_number else None
            if village_id is None:
                bad(
                    "village",
                    village_value,
                    _("This fund has no village number %(number)s.")
                    % {"number": cell_text(village_value) or "—"},
                )
            occupation_value = cell_text(get(cells, "occupation"))
            if occupation_value:
                occupation_id = group_by_key.get(normalize_header(occupation_value))
            else:
                occupation_id = other_group
            if occupation_id is None:
                bad(
                    "occupation",
                    occupation_value,
                    _("Unknown occupation group; use one of: %(groups)s.")
                    % {"groups": ", ".join(g.name_th for g in groups)},
                )
            number = cell_text(get(cells, "number")).translate(THAI_DIGITS)
            # Already registered? The same person again is not an error: nothing to do.
            if nid and nid in existing:
                old_number, old_key = existing[nid]
                if old_key == name_search_key(first, last) and number in ("", old_number):
                    del problems[before:]
                    already_count += 1
                    continue
                bad(
                    "national_id",
                    nid_value,
                    _("A member with this national ID is already registered in this fund."),
                )
            elif nid in seen_nid:
                bad(
                    "national_id",
                    nid_value,
                    _("The same national ID is also on row %(row)s.") % {"row": seen_nid[nid]},
                )
            if number:
                if number in numbers_taken:
                    bad("number", number, _("This member number is already used in this fund."))
                elif number in seen_number:
                    bad(
                        "number",
                        number,
                        _("The same member number is also on row %(row)s.")
                        % {"row": seen_number[number]},
                    )
                seen_number.setdefault(number, n)
            if nid:
                seen_nid.setdefault(nid, n)
            if len(problems) > before:
                continue
            beneficiary = normalize_name(cell_text(get(cells, "beneficiary")))
            accepted.append(
                {
                    "row": n,
                    "number": number,
                    "title": title,
                    "first_name": normalize_name(first),
                    "last_name": normalize_name(last),
                    "national_id": nid,
                    "birth_date": birth,
                    "sex": sex,
                    "village_id": village_id,
                    "village_number": village_number,
                    "occupation_id": occupation_id,
                    "join_date": join,
                    "address": cell_text(get(cells, "address")),
                    "phone": cell_text(get(cells, "phone")),
                    "beneficiary": beneficiary,
                    "relationship": cell_text(get(cells, "relationship")),
                }
            )
    except ReadError as exc:
        problems.append(RowProblem(n + 1, "", "", str(exc)))
    report.data_rows = data_rows
    report.already_imported = already_count
    report.skipped = {k: v for k, v in skipped.items() if v}
    if problems:
        raise ImportRejected(problems)
    report.imported = len(accepted)
    report.preview = [
        {
            "row": a["row"],
            "member_number": a["number"],
            "name": f"{a['title']}{a['first_name']} {a['last_name']}",
            "national_id": f"x-xxxx-xxxxx-{a['national_id'][10:12]}-{a['national_id'][12]}",
            "village": a["village_number"],
            "join_date": a["join_date"],
            "birth_date": a["birth_date"],
        }
        for a in accepted[:preview]
    ]
    if dry_run or not accepted:
        return report

    # Numbers for rows without one: drawn from the fund's counter as member_create does, as
    # one block, stepping over numbers the file or the fund already uses.
    needing = [a for a in accepted if not a["number"]]
    if needing:
        NumberCounter.objects.get_or_create(fund=fund, key="member_number")
        counter = NumberCounter.objects.select_for_update().get(fund=fund, key="member_number")
        taken = numbers_taken | {a["number"] for a in accepted if a["number"]}
        seq = counter.value
        for a in needing:
            while True:
                seq += 1
                try:
                    number = fund.member_number_pattern.format(
                        seq=seq, year=a["join_date"].year + BE_OFFSET, village=a["village_number"]
                    )
                except (KeyError, IndexError, ValueError):
                    number = f"{seq:05d}"
                if number not in taken:
                    break
            a["number"] = number
            taken.add(number)
        counter.value = seq
        counter.save(update_fields=["value"])
    user = actor if actor is not None and actor.is_authenticated else None
    members = Member.objects.bulk_create(
        [
            Member(
                fund=fund,
                number=a["number"],
                title=a["title"],
                first_name=a["first_name"],
                last_name=a["last_name"],
                name_search=name_search_key(a["first_name"], a["last_name"]),
                national_id=a["national_id"],
                birth_date=a["birth_date"],
                sex=a["sex"],
                village_id=a["village_id"],
                address=a["address"][:300],
                phone=a["phone"][:20],
                occupation_id=a["occupation_id"],
                join_date=a["join_date"],
                status=MemberStatus.ACTIVE,
                created_by=user,
            )
            for a in accepted
        ],
        batch_size=1000,
    )
    Beneficiary.objects.bulk_create(
        (
            Beneficiary(
                member=m,
                name=a["beneficiary"],
                relationship=a["relationship"][:60],
                share_percent=Decimal("100"),
                position=0,
            )
            for m, a in zip(members, accepted, strict=True)
            if a["beneficiary"]
        ),
        batch_size=1000,
    )
    for p, a in zip(report.preview, accepted, strict=False):
        p["member_number"] = a["number"]
    tables_analyze_on_commit(tables=[Member, Beneficiary])
    if progress is not None:
        progress(n)
    return report
