"""The SW-NT Model's development stages, in the study's own words.

Source: the abstract of the lessons-learned study of the two northern pilot integrated areas
(Banthi, Lamphun and Thaneun, Chiang Mai), Nov 2008 – Oct 2009. ``quote_th`` and ``quote_en``
are verbatim from its Thai and English text ("กระบวนการทัศน์" and "obviously build members
benefits" are the study's wording, kept as written). ``name_th``/``name_en`` are short titles
for screens, written from those quotes.

This list is loaded into ``DefaultStage`` by migration 0002 and is editable afterwards (Django
admin); each development process copies it into its own ``Stage`` rows, which the fund may
rename, reorder, skip or extend ("stages can be adjusted per area").
"""

from __future__ import annotations

# (code, name_th, name_en, quote_th, quote_en)
SW_NT_STAGES: list[tuple[str, str, str, str, str]] = [
    (
        "paradigm_consensus",
        "ปรับกระบวนทัศน์และสร้างฉันทามติ",
        "Change the paradigm and reach consensus",
        "เริ่มขับเคลื่อนการพัฒนาโดยการปรับกระบวนการทัศน์เพื่อสร้างความเข้าใจสู่ฉันทามติของทั้ง"
        "ผู้นำชุมชนและสมาชิกในชุมชนต่อการจัดตั้งกองทุนฯ",
        "reforming paradigm of community welfare establishments in order to gain community's "
        "and leaders' consensus",
    ),
    (
        "participation_strategy",
        "กุศโลบายสร้างการมีส่วนร่วมทุกระดับ",
        "A strategy for participation at every level",
        "ใช้ กุศโลบายสร้างการมีส่วนร่วมในการทำงานทุกระดับของชุมชน",
        "adopting strategy to motivate participation from all levels of their communities",
    ),
    (
        "study_prototypes",
        "ศึกษาต้นแบบ",
        "Study existing prototypes",
        "มีการศึกษาต้นแบบเพื่อเรียนรู้ประสบการณ์การดำเนินงาน",
        "studying the existing prototypes so as to learn their experiences",
    ),
    (
        "mobilize_capital",
        "ระดมทุนจากสมาชิกและหน่วยงาน",
        "Mobilize capital from members and agencies",
        "ร่วมกับระดมทุนจากทั้งสมาชิกและหน่วยงานอื่นๆ",
        "a capital mobilization from either members or other agencies",
    ),
    (
        "draft_regulation",
        "ร่างระเบียบกองทุน",
        "Draft the fund's regulation",
        "ตลอดจนร่างระเบียบกองทุนสวัสดิการชุมชน",
        "drafting community welfare funds' regulation",
    ),
    (
        "transparent_management",
        "บริหารจัดการอย่างโปร่งใส",
        "Manage the fund transparently",
        "และดำเนินการบริหารจัดการกองทุนให้เกิดความโปร่งใส",
        "managing these funds with a transparency working process",
    ),
    (
        "committee_manager",
        "แต่งตั้งคณะกรรมการบริหารและผู้จัดการ",
        "Appoint the committee and a manager",
        "โดยการแต่งตั้งคณะกรรมการบริหารกองทุนฯ เพื่อให้การดำเนินงานมีประสิทธิภาพ",
        "appointing a manager for the committee funds in order to effectively implement",
    ),
    (
        "concrete_benefits",
        "สร้างสิทธิประโยชน์ของสมาชิกอย่างเป็นรูปธรรม",
        "Deliver concrete benefits to members",
        "สร้างสิทธิประโยชน์ของสมาชิกอย่างเป็นรูปธรรม",
        "and obviously build members benefits",
    ),
]

#: The stage whose work is the regulation draft (linked to the fund's first version).
DRAFT_REGULATION_STAGE = "draft_regulation"
