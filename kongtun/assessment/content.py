"""The study's 15 enabling factors ('INFORMAL SECTOR') and the default question bank.

Source: the abstract of the lessons-learned study of the two northern pilot integrated areas
(Banthi, Lamphun and Thaneun, Chiang Mai), Nov 2008 – Oct 2009.

* ``quote_th`` / ``quote_en`` are verbatim from the study's Thai and English text: the phrase
  that stands before each English keyword in the Thai paragraph, and the clause of the English
  acronym sentence. The Thai text pairs "Motivation & Mobilized resources" and the English
  text pairs "Social security and Equity" in one phrase; both factors quote the shared phrase.
  The English text's "Invovement" is corrected to "Involvement"; nothing else is changed.
* ``name_th`` is a short title written from the Thai phrase; ``name_en`` is the study's keyword.
* ``recommendation_th`` / ``recommendation_en`` are DERIVED from the study's text (its
  findings and suggestions about each factor), not quoted: they are Kongtun's wording of what
  the study says a fund should do when the factor is weak. Edit them in the Django admin.

Loaded into ``Factor`` by migration 0002 and editable afterwards. The default questions are
copied into a fund's own bank the first time the fund opens its question bank or a round.
"""

from __future__ import annotations

# (code, letter, name_th, name_en, quote_th, quote_en, recommendation_th, recommendation_en)
FACTORS: list[tuple[str, str, str, str, str, str, str, str]] = [
    (
        "intention_involvement",
        "I",
        "ความตั้งใจมุ่งมั่นและการมีส่วนร่วม",
        "Intention & Involvement",
        "ต้องอาศัยความตั้งใจมุ่งมั่นของผู้นำและชุมชน รวมทั้งการมีส่วนร่วมของชุมชนทุกระดับ",
        "Intention & Involvement of the community leaders and community",
        "ทบทวนเป้าหมายของกองทุนร่วมกันในเวทีประชาคม ให้ผู้นำและสมาชิกทุกกลุ่มร่วมตัดสินใจ "
        "และมอบบทบาทให้คนทุกระดับของชุมชน",
        "Revisit the fund's purpose together at a community forum; let leaders and members of "
        "every group share the decisions, and give every level of the community a role.",
    ),
    (
        "networking",
        "N",
        "การทำงานเป็นเครือข่าย",
        "Networking",
        "การพัฒนากองทุนฯ ต้องทำงานในลักษณะภาคร่วมกันทั้งภายในและภายนอกชุมชน",
        "working as a Network with the internal and external community organization",
        "สร้างและรักษาความร่วมมือกับองค์กรในชุมชนและหน่วยงานภายนอก (อปท. พอช. "
        "โรงพยาบาลส่งเสริมสุขภาพตำบล สถาบันวิชาการ) ประชุมร่วมกันสม่ำเสมอ "
        "และแลกเปลี่ยนเรียนรู้กับกองทุนอื่น",
        "Build and keep partnerships with organizations inside the community and agencies "
        "outside it (local government, CODI, the subdistrict health promoting hospital, academic "
        "centres): meet regularly and exchange lessons with other funds.",
    ),
    (
        "friendly_freedom",
        "F",
        "บรรยากาศการทำงานที่เป็นมิตรและมีอิสระ",
        "Friendly & Freedom working atmosphere",
        "ภายใต้อากาศการทำงานที่มีอิสระและมีมิตรภาพแห่งการทำงาน",
        "creating Friendly and Freedom working atmospheres",
        "จัดประชุมให้ทุกคนพูดได้อย่างอิสระ รับฟังความเห็นที่แตกต่าง และสร้างมิตรภาพในคณะทำงาน",
        "Run meetings where everyone can speak freely, listen to differing views, and build "
        "friendship within the team.",
    ),
    (
        "organization",
        "O",
        "องค์กรชุมชนร่วมหนุนเสริม",
        "Organization of community",
        "องค์กรของชุมชนต้องมีส่วนร่วมหนุนเสริมเพื่อก่อเกิดผลสำเร็จ",
        "participation of the community Organizations",
        "ชวนกลุ่มและองค์กรที่มีอยู่ในชุมชน (กลุ่มอาชีพ กลุ่มออมทรัพย์ อสม./อสอ. วัด "
        "โรงเรียน) มาร่วมหนุนเสริมงานของกองทุน",
        "Invite the groups and organizations already in the community (occupation groups, "
        "savings groups, health volunteers, the temple, the school) to support the fund's work.",
    ),
    (
        "recognition",
        "R",
        "การตระหนักถึงความไม่เป็นธรรมทางสังคม",
        "Recognition of social injustice",
        "ผู้พัฒนาต้องตระหนักในสถานการณ์ความไม่เท่าเทียมของแรงงานนอกระบบ",
        "developmental leaders Recognizing social injustice among informal workforce",
        "ทำให้ชุมชนเห็นช่องว่างความคุ้มครองของแรงงานนอกระบบเมื่อเทียบกับแรงงานในระบบ "
        "เช่น นำสิทธิประกันสังคมมาตรา 40 และมาตรา 33 มาเทียบกันในเวทีประชุม",
        "Show the community the protection gap between informal and formal workers, e.g. put "
        "Social Security sections 40 and 33 side by side at a meeting.",
    ),
    (
        "motivation",
        "M",
        "แรงจูงใจ",
        "Motivation",
        "ต้องมีแรงจูงใจและใช้ทรัพยากรในท้องถิ่นอย่างคุ้มค่า",
        "Motivation to work",
        "ให้สมาชิกเห็นประโยชน์ที่จับต้องได้ ยกย่องผู้ที่ทำงานให้กองทุน และเล่าเรื่องของสมาชิกที่ได้รับสวัสดิการ",
        "Let members see tangible benefits, recognize the people who work for the fund, and "
        "share the stories of members who received benefits.",
    ),
    (
        "mobilized_resources",
        "M",
        "การระดมและใช้ทรัพยากรในท้องถิ่น",
        "Mobilized resources",
        "ต้องมีแรงจูงใจและใช้ทรัพยากรในท้องถิ่นอย่างคุ้มค่า",
        "using Mobilized community resources for worthy applications",
        "ระดมเงินสัจจะจากสมาชิกอย่างสม่ำเสมอ ขอเงินสมทบจาก อปท. และรัฐ (พอช.) และใช้ทรัพยากรในท้องถิ่นอย่างคุ้มค่า",
        "Collect members' contributions steadily, ask local government and CODI for matching "
        "money, and use local resources for worthy purposes.",
    ),
    (
        "added_value",
        "A",
        "การสร้างคุณค่าเพิ่ม",
        "Added value",
        "อีกทั้งสร้างคุณค่าทุกส่วนในการทำงาน",
        "Adding value to all parts of work",
        "เชื่อมงานของกองทุนกับงานอื่นของชุมชน (สุขภาพ อาชีพ สิ่งแวดล้อม) ให้ทุกส่วนของงานเกิดคุณค่าเพิ่ม",
        "Link the fund with the community's other work (health, livelihoods, environment) so "
        "that every part of the work adds value.",
    ),
    (
        "leader",
        "L",
        "ผู้นำที่มุ่งมั่น",
        "Leader",
        "ที่สำคัญต้องมีผู้นำที่มุ่งมั่น สร้างสิทธิประโยชน์ที่จะเกิดต่อแรงงานนอกระบบอย่างเป็นรูปธรรม",
        "strong driven Leaders to build the benefit rights among informal workforce",
        "พัฒนาผู้นำและผู้นำรุ่นใหม่ที่มีวิสัยทัศน์ มุ่งมั่นสร้างสิทธิประโยชน์ที่เป็นรูปธรรมให้แรงงานนอกระบบ",
        "Develop leaders, new ones too, with vision and the drive to build concrete benefits "
        "for informal workers.",
    ),
    (
        "social_security",
        "S",
        "หลักประกันความมั่นคงทางสังคม",
        "Social security",
        "เพื่อก่อให้เกิดหลักประกันความมั่นคงทางสังคม ที่มีความเท่าเทียมกับแรงงานอื่นๆ",
        "ensuring Social security and Equity when compared to other workers",
        "ทบทวนสวัสดิการของกองทุนตามช่วงวงจรชีวิตให้ครอบคลุมความเสี่ยงหลัก (เจ็บป่วย "
        "ทุพพลภาพ ชราภาพ เสียชีวิต) และช่วยสมาชิกเข้าประกันสังคมมาตรา 40 ควบคู่กัน",
        "Review the fund's life-cycle benefits so that they cover the main risks (illness, "
        "disability, old age, death), and help members join Social Security section 40 "
        "alongside the fund.",
    ),
    (
        "equity",
        "E",
        "ความเท่าเทียมกับแรงงานอื่น",
        "Equity",
        "เพื่อก่อให้เกิดหลักประกันความมั่นคงทางสังคม ที่มีความเท่าเทียมกับแรงงานอื่นๆ",
        "ensuring Social security and Equity when compared to other workers",
        "เปรียบเทียบสิทธิประโยชน์ที่สมาชิกได้รับ (กองทุน + มาตรา 40) กับแรงงานในระบบ "
        "(มาตรา 33) และวางแผนลดช่องว่าง",
        "Compare what members receive (the fund plus section 40) with formal workers "
        "(section 33) and plan how to narrow the gap.",
    ),
    (
        "committee_commitment",
        "C",
        "คณะทำงานและพันธะสัญญา",
        "Committee & Commitment",
        "คณะทำงานต้องมีพันธะสัญญาต่อการดำเนินงานให้เกิดประโยชน์สูงสุด",
        "Committee & Commitment working for optimal benefits",
        "กำหนดบทบาทและวาระของคณะกรรมการให้ชัดเจน ประชุมสม่ำเสมอ และติดตามพันธะสัญญาที่ให้ไว้กับสมาชิก",
        "Make the committee's roles and terms clear, meet regularly, and follow up the "
        "commitments made to members.",
    ),
    (
        "transparency_teamwork",
        "T",
        "ความโปร่งใสและการทำงานเป็นทีม",
        "Transparency & Team work",
        "กระบวนการทำงานต้องมีความโปร่งใส ภายใต้อากาศการทำงานเป็นทีม",
        "having a Transparency working process and excellent team work",
        "ปิดบัญชีและรายงานการเงินทุกเดือน เปิดเผยให้สมาชิกเห็น ให้ผู้ตรวจสอบตรวจ และแบ่งงานกันทำเป็นทีม",
        "Close the books and report every month, publish the reports to members, have the "
        "auditor check them, and share the work as a team.",
    ),
    (
        "opportunity",
        "O",
        "การเอื้อโอกาสและสิทธิขั้นพื้นฐาน",
        "Opportunity",
        "การจัดตั้งกองทุนฯ ต้องคำนึงถึงการเอื้อโอกาสที่แรงงานนอกระบบพึงได้รับและสิทธิจำเป็นขั้นพื้นฐาน",
        "establishing community welfare funds based on Opportunities for informal workforce "
        "with basic rights",
        "เปิดโอกาสให้แรงงานนอกระบบทุกกลุ่มอาชีพเข้าถึงกองทุน (ค่าสมัครและเงินสัจจะที่จ่ายไหว "
        "ช่องทางสมัครที่สะดวก) และได้รับสิทธิขั้นพื้นฐาน",
        "Open the fund to informal workers of every occupation (affordable fees and "
        "contributions, easy ways to join) and secure their basic rights.",
    ),
    (
        "rightness",
        "R",
        "หลักความถูกต้อง",
        "Rightness principle",
        "และอยู่บนพื้นฐานของความถูกต้อง",
        "and based on a Rightness principle",
        "ดำเนินงานตามระเบียบที่สมาชิกร่วมกันกำหนด ตัดสินอย่างเป็นธรรม อธิบายเหตุผลได้ และตรวจสอบได้",
        "Work by the regulation the members made; decide fairly, with reasons that can be "
        "explained and checked.",
    ),
]

#: Default statements, two per factor (Thai, English), answered from 1 (strongly disagree)
#: to 5 (strongly agree). Written for Kongtun from the factor descriptions above.
DEFAULT_QUESTIONS: dict[str, list[tuple[str, str]]] = {
    "intention_involvement": [
        (
            "ผู้นำและสมาชิกตั้งใจมุ่งมั่นให้กองทุนประสบความสำเร็จ",
            "Leaders and members are determined to make the fund succeed.",
        ),
        (
            "คนทุกกลุ่มในชุมชนมีส่วนร่วมในการตัดสินใจเรื่องของกองทุน",
            "People of every group in the community take part in the fund's decisions.",
        ),
    ],
    "networking": [
        (
            "กองทุนทำงานร่วมกับองค์กรในชุมชนอย่างสม่ำเสมอ",
            "The fund works regularly with organizations in the community.",
        ),
        (
            "กองทุนได้รับการสนับสนุนจากหน่วยงานภายนอก (อปท. พอช. หน่วยงานสาธารณสุข)",
            "The fund is supported by outside agencies (local government, CODI, health services).",
        ),
    ],
    "friendly_freedom": [
        (
            "ในการประชุม ทุกคนกล้าแสดงความคิดเห็นได้อย่างอิสระ",
            "At meetings, everyone dares to speak their mind freely.",
        ),
        (
            "คณะทำงานทำงานด้วยกันอย่างเป็นกันเองและมีมิตรภาพ",
            "The team works together in a friendly, relaxed way.",
        ),
    ],
    "organization": [
        (
            "กลุ่มและองค์กรในชุมชน (กลุ่มอาชีพ กลุ่มออมทรัพย์ วัด โรงเรียน) ช่วยหนุนเสริมกองทุน",
            "Groups and organizations of the community (occupation and savings groups, temple, "
            "school) support the fund.",
        ),
        (
            "องค์กรชุมชนร่วมรับผิดชอบงานบางส่วนของกองทุน",
            "Community organizations take on part of the fund's work.",
        ),
    ],
    "recognition": [
        (
            "ผู้นำเข้าใจว่าแรงงานนอกระบบยังไม่ได้รับความคุ้มครองเท่าแรงงานในระบบ",
            "Leaders understand that informal workers are less protected than formal workers.",
        ),
        (
            "สมาชิกรู้ว่าตนมีสิทธิอะไรบ้าง และยังขาดสิทธิอะไร",
            "Members know which rights they have and which they still lack.",
        ),
    ],
    "motivation": [
        (
            "สมาชิกมีกำลังใจที่จะส่งเงินสัจจะอย่างต่อเนื่อง",
            "Members are motivated to keep paying their contributions.",
        ),
        (
            "ผู้ที่ทำงานให้กองทุนได้รับการยอมรับและชื่นชม",
            "People who work for the fund are recognized and appreciated.",
        ),
    ],
    "mobilized_resources": [
        (
            "กองทุนระดมเงินจากสมาชิกได้อย่างสม่ำเสมอ",
            "The fund collects money from its members steadily.",
        ),
        (
            "กองทุนได้รับเงินสมทบหรือทรัพยากรจาก อปท. รัฐ หรือผู้บริจาค",
            "The fund receives matching money or resources from local government, the state or "
            "donors.",
        ),
    ],
    "added_value": [
        (
            "งานของกองทุนช่วยเสริมงานด้านอื่นของชุมชน (สุขภาพ อาชีพ สิ่งแวดล้อม)",
            "The fund's work strengthens the community's other work (health, livelihoods, "
            "environment).",
        ),
        (
            "การเป็นสมาชิกกองทุนมีคุณค่ามากกว่าเงินสวัสดิการที่ได้รับ",
            "Being a member is worth more than the benefits paid.",
        ),
    ],
    "leader": [
        (
            "ผู้นำกองทุนมีวิสัยทัศน์และมุ่งมั่นทำงานเพื่อแรงงานนอกระบบ",
            "The fund's leaders have vision and are committed to informal workers.",
        ),
        (
            "มีคนรุ่นใหม่ที่พร้อมจะเป็นผู้นำกองทุนต่อไป",
            "There are younger people ready to lead the fund in future.",
        ),
    ],
    "social_security": [
        (
            "สวัสดิการของกองทุนช่วยสมาชิกได้จริงเมื่อเจ็บป่วย ชราภาพ หรือเสียชีวิต",
            "The fund's benefits really help members in illness, old age or death.",
        ),
        (
            "สมาชิกรู้จักและใช้สิทธิประกันสังคมมาตรา 40",
            "Members know and use Social Security section 40.",
        ),
    ],
    "equity": [
        (
            "สมาชิกได้รับความคุ้มครองใกล้เคียงกับแรงงานในระบบ",
            "Members are protected nearly as well as formal-sector workers.",
        ),
        (
            "สมาชิกทุกกลุ่มอาชีพได้รับสิทธิเท่าเทียมกันในกองทุน",
            "Members of every occupation have equal rights in the fund.",
        ),
    ],
    "committee_commitment": [
        (
            "คณะกรรมการประชุมและทำงานตามหน้าที่อย่างสม่ำเสมอ",
            "The committee meets and does its duties regularly.",
        ),
        (
            "คณะกรรมการทำตามสัญญาที่ให้ไว้กับสมาชิก",
            "The committee keeps the promises it made to members.",
        ),
    ],
    "transparency_teamwork": [
        (
            "กองทุนรายงานการเงินให้สมาชิกรู้อย่างสม่ำเสมอและตรวจสอบได้",
            "The fund reports its money to members regularly, in a way that can be checked.",
        ),
        (
            "คณะกรรมการแบ่งงานกันทำเป็นทีม ไม่ได้ฝากไว้กับคนใดคนหนึ่ง",
            "The committee shares the work as a team rather than leaving it to one person.",
        ),
    ],
    "opportunity": [
        (
            "แรงงานนอกระบบทุกกลุ่มสมัครเป็นสมาชิกได้ง่ายและจ่ายเงินสัจจะไหว",
            "Informal workers of every group can join easily and afford the contributions.",
        ),
        (
            "กองทุนช่วยให้สมาชิกเข้าถึงสิทธิขั้นพื้นฐานที่ควรได้รับ",
            "The fund helps members reach the basic rights they are due.",
        ),
    ],
    "rightness": [
        (
            "กองทุนดำเนินงานตามระเบียบที่สมาชิกร่วมกันกำหนด",
            "The fund works by the regulation the members made together.",
        ),
        (
            "การพิจารณาจ่ายสวัสดิการเป็นธรรมและอธิบายเหตุผลได้",
            "Benefit decisions are fair and their reasons can be explained.",
        ),
    ],
}
