"""The default chart of accounts of a community welfare fund (Thai and English), copied into
each new fund and editable there. Codes follow the usual Thai small-organization numbering:
1 assets, 2 liabilities, 3 fund capital, 4 income, 5 expenses."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# (code, name_th, name_en, type, role)
DEFAULT_CHART: list[tuple[str, str, str, str, str]] = [
    ("1101", "เงินสด", "Cash", "asset", "cash"),
    ("1102", "เงินฝากธนาคาร", "Bank deposits", "asset", "bank"),
    ("1201", "ลูกหนี้หน่วยงานสมทบ", "Receivables from agencies", "asset", "receivable_agency"),
    ("2101", "เงินรับล่วงหน้า", "Money received in advance", "liability", "advance"),
    ("3101", "ทุนกองทุน", "Fund capital", "equity", "capital"),
    ("4101", "เงินสัจจะสมาชิก", "Members' contributions", "income", "contributions"),
    ("4102", "ค่าสมัครสมาชิก", "Entrance fees", "income", "entrance_fees"),
    ("4201", "เงินสมทบจาก อปท.", "Local-government matching", "income", "matching_local"),
    (
        "4202",
        "เงินสมทบจากรัฐบาล (พอช.)",
        "Central-government matching (CODI)",
        "income",
        "matching_central",
    ),
    ("4301", "เงินบริจาค", "Donations", "income", "donations"),
    ("4401", "ดอกเบี้ยเงินฝาก", "Interest", "income", "interest"),
    ("4901", "รายได้อื่น", "Other income", "income", "other_income"),
    ("5101", "สวัสดิการกรณีคลอดบุตร", "Benefit: birth", "expense", "benefit:birth"),
    ("5102", "สวัสดิการกรณีเจ็บป่วย", "Benefit: sickness and hospital", "expense", "benefit:hospital"),
    ("5103", "สวัสดิการกรณีทุพพลภาพ", "Benefit: disability", "expense", "benefit:disability"),
    ("5104", "สวัสดิการผู้สูงอายุ", "Benefit: old age", "expense", "benefit:old_age"),
    ("5105", "สวัสดิการกรณีเสียชีวิต", "Benefit: death and funeral", "expense", "benefit:death"),
    ("5106", "สวัสดิการการศึกษา", "Benefit: education", "expense", "benefit:education"),
    ("5107", "สวัสดิการกรณีภัยพิบัติ", "Benefit: disaster", "expense", "benefit:disaster"),
    ("5109", "สวัสดิการอื่น", "Benefit: other", "expense", "benefit:other"),
    ("5201", "ค่าใช้จ่ายในการบริหาร", "Administration", "expense", "admin"),
    ("5301", "กิจกรรมชุมชน", "Community activities", "expense", "community"),
]


#: What Kongtun posts to an account of each role by itself (the chart page's "used for");
#: lazy texts, read in the reader's language.
ROLE_USES: dict[str, object] = {
    "cash": _("money received or paid in cash"),
    "bank": _("money received or paid through the bank"),
    "receivable_agency": _("matching money requested, not yet received"),
    "advance": _("contributions paid ahead for months to come"),
    "capital": _("opening balances"),
    "contributions": _("members' contributions on receipts"),
    "entrance_fees": _("entrance fees on receipts"),
    "matching_local": _("matching money from local government"),
    "matching_central": _("matching money from central government"),
    "donations": _("donations"),
    "interest": _("bank interest"),
    "other_income": _("other income"),
    "admin": _("administration costs"),
    "community": _("community activities"),
}


def role_use(role: str) -> object:
    if role.startswith("benefit:"):
        return _("claim payments of this kind of benefit")
    return ROLE_USES.get(role, "")
