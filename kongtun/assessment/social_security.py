"""Thai Social Security figures for the Equity / Social security comparison.

Copied from the project's research note on Social Security sections 40 and 33 (compiled from the
sources below, read in 2025; only the opening of each page could be read). Kongtun never reads
that note at run time: the figures used are here, each with its source. A figure the note marks
as not confirmed by an authoritative source is ``confirmed=False`` and shown as "unconfirmed";
figures the note excludes (the government's co-payment to section 40, seen only in a third-party
app's code) are not used at all.

Section 40's benefits changed with Royal Decree (No. 5) B.E. 2568, in force since October 2025
(S40-1): figures carry the period they apply to, and the comparison shows those in force on the
day asked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

DECREE_2025 = dt.date(2025, 10, 1)  # "since October 2025" (S40-1); the exact day was not read

SOURCES: dict[str, str] = {
    "S40-1": "Ministry of Labour, news 2025: over 500,000 Section 40 insured persons … "
    "(https://www.mol.go.th/en/news/)",
    "S40-2": "Daily News (dailynews.co.th/news/71404)",
    "S40-3": "onntipanan.com/archives/30713, 12 Jan 2023",
    "S40-4": "opt-news.com/news/33024, 1 Mar 2023",
    "S40-5": "pangpond.com (table of the three options)",
    "S40-7": "Business+ (businessplus.co.th), death benefits of sections 39, 33, 40",
    "S40-8": "Social Security Office FAQ (sso.go.th)",
    "S33-LP": "Lorenz & Partners newsletter No. 57 (lorenz-partners.com/?p=10716)",
    "S33-SSA": "US SSA, Social Security Programs Throughout the World: Asia and the Pacific, "
    "2012 (ssa.gov)",
    "S33-TNO": "Thai News Online (thainewsonline.co/news/831430), 3 Mar 2022",
    "S33-LAB": "Department of Labour Protection area 3 (area3.labour.go.th), 8 Aug 2019",
    "S33-OLD": "youlikenews.online/?p=24213; amarinbabyandkids.com (sso-2/3)",
    "S33-BP": "Business+ (businessplus.co.th), death benefits of sections 39, 33, 40",
}

SCHEMES = ("s40_1", "s40_2", "s40_3", "s33")
SCHEME_LABELS = {
    "s40_1": _("Section 40, option 1"),
    "s40_2": _("Section 40, option 2"),
    "s40_3": _("Section 40, option 3"),
    "s33": _("Section 33 (employees)"),
}


@dataclass(frozen=True)
class Figure:
    th: str
    en: str
    sources: tuple[str, ...] = ()
    confirmed: bool = True
    amount: Decimal | None = None  # baht, when the figure is one amount
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None  # exclusive

    @property
    def text(self) -> str:
        return self.en if (get_language() or "th").startswith("en") else self.th

    def in_force(self, on: dt.date) -> bool:
        return (self.valid_from is None or on >= self.valid_from) and (
            self.valid_until is None or on < self.valid_until
        )


NOT_COVERED = Figure("ไม่คุ้มครอง", "not covered")


def _same(fig: Figure) -> dict[str, list[Figure]]:
    """The same figure for the three options of section 40."""
    return {"s40_1": [fig], "s40_2": [fig], "s40_3": [fig]}


# risk code -> (Thai label, English label, {scheme: [figures with their periods]})
RISKS: list[tuple[str, str, str, dict[str, list[Figure]]]] = [
    (
        "contribution",
        "เงินสมทบที่ผู้ประกันตนจ่าย",
        "What the insured person pays",
        {
            "s40_1": [
                Figure("70 บาท/เดือน", "70 baht/month", ("S40-1", "S40-4"), amount=Decimal(70))
            ],
            "s40_2": [
                Figure("100 บาท/เดือน", "100 baht/month", ("S40-1", "S40-4"), amount=Decimal(100))
            ],
            "s40_3": [
                Figure("300 บาท/เดือน", "300 baht/month", ("S40-1", "S40-4"), amount=Decimal(300))
            ],
            "s33": [
                Figure(
                    "5% ของค่าจ้าง (ฐาน 1,650–15,000 บาท) สูงสุด 750 บาท/เดือน; นายจ้างจ่ายอีก 5% รัฐ 2.75%",
                    "5% of wages (base 1,650–15,000 baht), at most 750 baht/month; the employer "
                    "pays another 5%, the state 2.75%",
                    ("S33-LP", "S33-SSA"),
                    amount=Decimal(750),
                )
            ],
        },
    ),
    (
        "inpatient",
        "เจ็บป่วย นอนโรงพยาบาล",
        "Illness, in hospital",
        {
            **_same(
                Figure(
                    "300 บาท/วัน (รวมผู้ป่วยนอกไม่เกิน 30 วัน/ปี; ทางเลือกที่ 3 ไม่เกิน 90 วัน/ปี)",
                    "300 baht/day (with outpatient days, at most 30 days/year; option 3: 90)",
                    ("S40-2", "S40-3", "S40-5"),
                    amount=Decimal(300),
                )
            ),
            "s33": [
                Figure(
                    "ค่ารักษาตามสิทธิ; ขาดรายได้: นายจ้างจ่าย 30 วันแรก จากวันที่ 31 ได้ 50% "
                    "ของค่าจ้าง ไม่เกิน 90 วัน/ครั้ง 180 วัน/ปี",
                    "care under the scheme; lost income: the employer pays the first 30 days, "
                    "then 50% of wages, at most 90 days per episode, 180 days/year",
                    ("S33-TNO",),
                )
            ],
        },
    ),
    (
        "outpatient",
        "เจ็บป่วย ไม่นอนโรงพยาบาล",
        "Illness, outpatient",
        {
            **{
                k: [
                    Figure(
                        "200 บาท/วัน เมื่อแพทย์ให้หยุด 3 วันขึ้นไป; หยุดไม่เกิน 2 วัน 50 บาท/ครั้ง "
                        "(ไม่เกิน 3 ครั้ง/ปี)",
                        "200 baht/day when a doctor certifies 3 days' rest or more; rest of up "
                        "to 2 days: 50 baht a visit (3 a year)",
                        ("S40-2", "S40-3", "S40-5"),
                        valid_until=DECREE_2025,
                    ),
                    Figure(
                        "200 บาท/วัน เมื่อแพทย์ให้หยุด 1 วันขึ้นไป; ค่าพบแพทย์ 200 บาท/ครั้ง (ไม่เกิน 3 ครั้ง/ปี)",
                        "200 baht/day when a doctor certifies 1 day's rest or more; 200 baht a "
                        "visit (3 a year)",
                        ("S40-1",),
                        valid_from=DECREE_2025,
                    ),
                ]
                for k in ("s40_1", "s40_2", "s40_3")
            },
            "s33": [
                Figure(
                    "ค่ารักษาตามสิทธิ (ลาป่วยได้รับค่าจ้างจากนายจ้าง)",
                    "care under the scheme (sick leave paid by the employer)",
                    ("S33-TNO",),
                )
            ],
        },
    ),
    (
        "disability",
        "ทุพพลภาพ",
        "Disability",
        {
            **{
                k: [
                    Figure(
                        "500–1,000 บาท/เดือน ตามระยะเวลาส่งเงินสมทบ",
                        "500–1,000 baht/month by length of contribution",
                        ("S40-3",),
                        valid_until=DECREE_2025,
                    ),
                    Figure(
                        "เพิ่มขึ้นตามพระราชกฤษฎีกา พ.ศ. 2568 (ไม่ทราบอัตราใหม่)",
                        "raised by the 2025 decree (new amounts not read)",
                        ("S40-1",),
                        confirmed=False,
                        valid_from=DECREE_2025,
                    ),
                ]
                for k in ("s40_1", "s40_2")
            },
            "s40_3": [
                Figure(
                    "มีสิทธิ (อัตราไม่ได้ตรวจสอบ)",
                    "covered (amount not read)",
                    ("S40-4",),
                    confirmed=False,
                )
            ],
            "s33": [Figure("มีสิทธิ (อัตราไม่ได้ตรวจสอบ)", "covered (amount not read)", confirmed=False)],
        },
    ),
    (
        "death",
        "เสียชีวิต (ค่าทำศพ)",
        "Death (funeral grant)",
        {
            "s40_1": [Figure("25,000 บาท", "25,000 baht", ("S40-7",), amount=Decimal(25000))],
            "s40_2": [Figure("25,000 บาท", "25,000 baht", ("S40-7",), amount=Decimal(25000))],
            "s40_3": [Figure("50,000 บาท", "50,000 baht", ("S40-7",), amount=Decimal(50000))],
            "s33": [
                Figure(
                    "50,000 บาท และเงินสงเคราะห์กรณีตาย (ส่งเงินสมทบ 36–119 เดือน: 50% ของค่าจ้าง"
                    "เฉลี่ย × 4 เดือน)",
                    "50,000 baht, plus a survivors' grant (36–119 months of contributions: 50% "
                    "of the average wage × 4 months)",
                    ("S33-BP",),
                    amount=Decimal(50000),
                )
            ],
        },
    ),
    (
        "old_age",
        "ชราภาพ",
        "Old age",
        {
            "s40_1": [NOT_COVERED],
            "s40_2": [
                Figure(
                    "บำเหน็จ (อัตราไม่ได้ตรวจสอบ)",
                    "lump sum (amount not read)",
                    ("S40-1",),
                    confirmed=False,
                )
            ],
            "s40_3": [
                Figure(
                    "บำนาญหรือบำเหน็จ (แหล่งข้อมูลขัดกัน อัตราไม่ได้ตรวจสอบ)",
                    "pension or lump sum (sources disagree; amount not read)",
                    ("S40-1",),
                    confirmed=False,
                )
            ],
            "s33": [
                Figure(
                    "บำนาญ 20% ของค่าจ้างเฉลี่ย 60 เดือนสุดท้ายเมื่อส่งครบ 180 เดือน +1.5% ทุก 12 เดือนที่เกิน",
                    "pension of 20% of the last 60 months' average wage after 180 months, "
                    "+1.5% per further 12 months",
                    ("S33-OLD",),
                )
            ],
        },
    ),
    (
        "child",
        "สงเคราะห์บุตร",
        "Child allowance",
        {
            "s40_1": [NOT_COVERED],
            "s40_2": [NOT_COVERED],
            "s40_3": [
                Figure(
                    "มีสิทธิเมื่อส่งเงินสมทบ 24 ใน 36 เดือน (อัตราไม่ได้ตรวจสอบ)",
                    "after 24 of 36 months' contributions (amount not read)",
                    ("S40-8",),
                    confirmed=False,
                )
            ],
            "s33": [
                Figure(
                    "600 บาท/เดือน ต่อบุตร 1 คน (ไม่เกิน 3 คน) ถึงอายุ 6 ปี",
                    "600 baht/month per child (up to 3) until age 6",
                    ("S33-LAB",),
                    amount=Decimal(600),
                )
            ],
        },
    ),
    (
        "maternity",
        "คลอดบุตร",
        "Childbirth",
        {
            **_same(NOT_COVERED),
            "s33": [
                Figure(
                    "เหมาจ่าย (ราว 15,000 บาท ยังไม่ยืนยัน) และค่าฝากครรภ์ 1,500 บาท",
                    "a lump sum (about 15,000 baht, unconfirmed) and 1,500 baht antenatal care",
                    ("S33-LP",),
                    confirmed=False,
                )
            ],
        },
    ),
]


@dataclass(frozen=True)
class ComparisonRow:
    code: str
    label: str
    cells: list[Figure]  # in SCHEMES order


def comparison_on(day: dt.date) -> list[ComparisonRow]:
    """The figures in force on ``day``, one row per risk, columns in ``SCHEMES`` order."""
    english = (get_language() or "th").startswith("en")
    rows = []
    for code, th, en, by_scheme in RISKS:
        cells = []
        for scheme in SCHEMES:
            figures = [f for f in by_scheme.get(scheme, []) if f.in_force(day)]
            cells.append(figures[0] if figures else Figure("—", "—", confirmed=False))
        rows.append(ComparisonRow(code, en if english else th, cells))
    return rows
