"""The seed study's method as content: the four AAR questions, the study's topics and the
leaders' conceptual bases (seed study, /work/shared/seed/000_5c140c1350ac16e1.txt: "After
Action Review", "mechanism and process", "ecology, holistic health, and economics … economics
and community"). Copied here so nothing reads the seed at run time."""

from __future__ import annotations

#: (Thai, English, probes in Thai) — the After Action Review's four questions.
AAR_QUESTIONS: list[tuple[str, str, str]] = [
    (
        "เราคาดหวังหรือวางแผนไว้ว่าจะเกิดอะไรขึ้น",
        "What did we expect or plan to happen?",
        "ตอนเริ่มตั้งกองทุน ตั้งเป้าหมายไว้อย่างไร\nใครเป็นคนวางแผน",
    ),
    (
        "สิ่งที่เกิดขึ้นจริงคืออะไร",
        "What actually happened?",
        "เล่าลำดับเหตุการณ์ที่เกิดขึ้นจริง\nใครเข้ามามีส่วนร่วมบ้าง",
    ),
    (
        "ทำไมสิ่งที่เกิดขึ้นจริงจึงแตกต่างจากที่คาดไว้",
        "Why is there a difference?",
        "อะไรช่วยให้สำเร็จ อะไรเป็นอุปสรรค\nปัจจัยภายในหรือภายนอกชุมชน",
    ),
    (
        "อะไรที่ควรรักษาไว้ และอะไรที่ควรปรับปรุงในครั้งต่อไป",
        "What do we keep, and what do we improve next time?",
        "ถ้าจะเริ่มใหม่ จะทำอะไรต่างไปจากเดิม\nข้อแนะนำสำหรับชุมชนอื่น",
    ),
]

#: The study's own topics (its "content"): mechanism and process, leaders' bases, factors.
STUDY_TOPICS: list[tuple[str, str, str]] = [
    (
        "กลไกและกระบวนการพัฒนากองทุนสวัสดิการชุมชน",
        "The mechanism and process of the fund's development",
        "การสร้างความเห็นพ้อง\nการระดมทุนและการออกแบบสวัสดิการ",
    ),
    (
        "ฐานคิดของผู้นำในการพัฒนาสวัสดิการชุมชน",
        "The leaders' conceptual bases",
        "นิเวศวิทยา สุขภาวะองค์รวม เศรษฐศาสตร์ ชุมชน\nความเป็นธรรม ความเสมอภาค",
    ),
    (
        "ปัจจัยเอื้อทั้งภายในและภายนอกชุมชน",
        "Enabling factors inside and outside the community",
        "ผู้นำ ภาคี งบประมาณ ความโปร่งใส\nหน่วยงานที่ให้การสนับสนุน",
    ),
]

GUIDE_INTRODUCTION = (
    "การถอดบทเรียนครั้งนี้มุ่งเรียนรู้จากประสบการณ์การพัฒนากองทุนสวัสดิการชุมชน "
    "ไม่ใช่การประเมินหรือหาคนผิด ขอให้ทุกท่านเล่าตามที่ได้พบเห็นจริง "
    "ท่านมีสิทธิ์ไม่ตอบคำถามใดก็ได้ และชื่อของท่านจะไม่ปรากฏในรายงาน "
    "เว้นแต่ท่านยินยอม"
)

#: (code, Thai, English, definition in Thai) — the leaders' conceptual bases in the seed.
CONCEPTUAL_BASES: list[tuple[str, str, str, str]] = [
    ("ecology", "นิเวศวิทยา", "Ecology", "มองชุมชนเป็นระบบที่คนกับทรัพยากรพึ่งพากัน"),
    (
        "holistic_health",
        "สุขภาวะองค์รวม",
        "Holistic health",
        "สุขภาพกาย ใจ สังคม และปัญญา ของแรงงานนอกระบบตลอดช่วงชีวิต",
    ),
    ("economics", "เศรษฐศาสตร์", "Economics", "การออม การกระจายความเสี่ยง ความยั่งยืนทางการเงิน"),
    ("community", "ชุมชน", "Community", "ทุนทางสังคม การพึ่งตนเอง และการมีส่วนร่วมของคนในชุมชน"),
]

#: Colours for the seeded branches (parent, then children cycle through the palette).
PALETTE = [
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#1f78b4",
    "#b2df8a",
    "#fb9a99",
    "#cab2d6",
    "#6a3d9a",
]
BRANCH_COLOURS = {"factor": "#1f78b4", "stage": "#33a02c", "basis": "#e31a1c"}
