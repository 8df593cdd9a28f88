"""The demo's lessons-learned study over Banthi and Thaneun (issue 15 §10).

Every transcript here is SYNTHETIC: written for the demonstration in the voices of the study's
target groups, not spoken by anyone. The study and each transcript carry the ``synthetic``
flag and the transcripts open with a line saying so. Two coders code every transcript; the
second differs from the first on purpose, so the agreement page has something to show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth import get_user_model

from kongtun.aar import services
from kongtun.aar.models import ActionStatus, Code, Segment, Study, TeamRole
from kongtun.assessment.models import Factor
from kongtun.development.models import DefaultStage, Stage
from kongtun.funds.models import Fund, OccupationGroup
from kongtun.governance.models import MeetingKind
from kongtun.governance.services import meeting_create

SYNTHETIC_LINE = "[ข้อความสังเคราะห์เพื่อการสาธิต ไม่ใช่คำพูดของบุคคลจริง]\n"
FACILITATOR = "ผู้ดำเนินการสนทนา"

# A coding is (phrase in the turn, codes): "F:<factor code>", "S:<stage code>", "B:<basis>".
Turn = tuple[str, str, Sequence[tuple[str, str]]]

SESSIONS: list[dict] = [
    {
        "fund": "banthi",
        "kind": "focus_group",
        "group": "working_team",
        "title": "สนทนากลุ่มคณะทำงานสวัสดิการตำบลบ้านธิ",
        "days_ago": 150,
        "place": "ห้องประชุมองค์การบริหารส่วนตำบลบ้านธิ",
        "stage": "paradigm_consensus",
        "people": [("working_team", 7, "", "")],
        "turns": [
            (FACILITATOR, "ตอนเริ่มต้นตั้งกองทุน คณะทำงานคาดหวังไว้ว่าจะเกิดอะไรขึ้นบ้างครับ", []),
            (
                "คณะทำงาน 1",
                "ตอนแรกเราหวังแค่ว่าแรงงานนอกระบบจะมีหลักประกันเวลาเจ็บป่วย เพราะชาวสวนลำไยไม่มีประกันสังคมเลย "
                "เราคุยกันหลายรอบกว่าจะเห็นตรงกันว่าสวัสดิการไม่ใช่การสงเคราะห์ แต่เป็นการช่วยตัวเอง",
                [
                    ("แรงงานนอกระบบจะมีหลักประกันเวลาเจ็บป่วย", "F:social_security"),
                    ("สวัสดิการไม่ใช่การสงเคราะห์ แต่เป็นการช่วยตัวเอง", "S:paradigm_consensus B:community"),
                ],
            ),
            (
                "คณะทำงาน 2",
                "สิ่งที่เกิดขึ้นจริงคือคนสมัครมากกว่าที่คิด เพราะเราเดินไปทุกหมู่บ้าน ไปคุยในวงกาแฟ ในงานบุญ "
                "ไม่ได้เรียกประชุมอย่างเดียว",
                [
                    (
                        "เดินไปทุกหมู่บ้าน ไปคุยในวงกาแฟ ในงานบุญ",
                        "S:participation_strategy F:intention_involvement",
                    )
                ],
            ),
            (
                "คณะทำงาน 3",
                "ที่ต่างจากที่คาดคือเรื่องเงินสมทบจากหน่วยงาน ล่าช้าไปเกือบปี กรรมการต้องเอาบัญชีมาติดบอร์ดทุกเดือน "
                "ให้สมาชิกเห็นว่าเงินทุกบาทไปไหน คนถึงยังเชื่อมั่น",
                [
                    ("เงินสมทบจากหน่วยงาน ล่าช้าไปเกือบปี", "S:mobilize_capital F:networking"),
                    ("เอาบัญชีมาติดบอร์ดทุกเดือน", "F:transparency_teamwork S:transparent_management"),
                ],
            ),
            (FACILITATOR, "ถ้าจะเริ่มใหม่ อะไรที่ควรรักษาไว้และอะไรควรปรับปรุงครับ", []),
            (
                "คณะทำงาน 1",
                "ควรรักษาการทำงานเป็นทีมแบบพี่น้อง ใครว่างก็มาช่วย ไม่มีใครเป็นนาย "
                "ที่ต้องปรับคือการจดบันทึก ต้องมีคนรุ่นใหม่มาช่วยทำบัญชีด้วยคอมพิวเตอร์",
                [
                    (
                        "การทำงานเป็นทีมแบบพี่น้อง ใครว่างก็มาช่วย ไม่มีใครเป็นนาย",
                        "F:friendly_freedom F:transparency_teamwork",
                    ),
                    ("ต้องมีคนรุ่นใหม่มาช่วยทำบัญชีด้วยคอมพิวเตอร์", "F:committee_commitment"),
                ],
            ),
        ],
    },
    {
        "fund": "banthi",
        "kind": "focus_group",
        "group": "community_leader",
        "title": "สนทนากลุ่มผู้นำชุมชนตำบลบ้านธิ",
        "days_ago": 140,
        "place": "ศาลาวัดบ้านธิ",
        "stage": "study_prototypes",
        "people": [("community_leader", 6, "", "")],
        "turns": [
            (FACILITATOR, "ผู้นำมองเรื่องสวัสดิการชุมชนจากฐานคิดแบบไหนครับ", []),
            (
                "ผู้นำชุมชน 1",
                "ผมมองว่าคนกับป่ากับน้ำอยู่ด้วยกัน ถ้าน้ำแล้งลำไยก็ตาย คนก็เจ็บป่วย เป็นหนี้ "
                "สวัสดิการต้องดูทั้งสุขภาพกาย ใจ และปากท้องไปพร้อมกัน",
                [
                    ("คนกับป่ากับน้ำอยู่ด้วยกัน", "B:ecology"),
                    ("สวัสดิการต้องดูทั้งสุขภาพกาย ใจ และปากท้องไปพร้อมกัน", "B:holistic_health B:economics"),
                ],
            ),
            (
                "ผู้นำชุมชน 2",
                "เราพาคณะไปดูงานกองทุนที่ทำสำเร็จมาแล้ว กลับมาก็รู้ว่าต้องเริ่มจากวันละบาท "
                "ให้ทุกคนจ่ายไหว ไม่ทิ้งใครไว้ข้างหลัง",
                [
                    ("พาคณะไปดูงานกองทุนที่ทำสำเร็จมาแล้ว", "S:study_prototypes F:networking"),
                    ("ให้ทุกคนจ่ายไหว ไม่ทิ้งใครไว้ข้างหลัง", "F:equity F:opportunity"),
                ],
            ),
            (
                "ผู้นำชุมชน 3",
                "แรงงานนอกระบบทำงานหนักไม่แพ้ข้าราชการ แต่พอแก่ไม่มีบำนาญ มันไม่เป็นธรรม "
                "ผู้นำต้องกล้าพูดเรื่องนี้ในเวทีตำบล",
                [
                    ("พอแก่ไม่มีบำนาญ มันไม่เป็นธรรม", "F:recognition F:equity"),
                    ("ผู้นำต้องกล้าพูดเรื่องนี้ในเวทีตำบล", "F:leader"),
                ],
            ),
            (
                "ผู้นำชุมชน 1",
                "สิ่งที่ควรปรับคือเรื่องการสืบทอด ผู้นำรุ่นเราอายุมากแล้ว ต้องสร้างผู้นำรุ่นใหม่ให้ทัน",
                [("ต้องสร้างผู้นำรุ่นใหม่ให้ทัน", "F:leader F:committee_commitment")],
            ),
        ],
    },
    {
        "fund": "banthi",
        "kind": "focus_group",
        "group": "informal_worker",
        "title": "สนทนากลุ่มแรงงานนอกระบบ (เกษตรกรและงานหัตถกรรม) ตำบลบ้านธิ",
        "days_ago": 132,
        "place": "กลุ่มทอผ้าบ้านธิ",
        "stage": "concrete_benefits",
        "people": [("informal_worker", 5, "", "farmer"), ("informal_worker", 4, "", "handicraft")],
        "turns": [
            (FACILITATOR, "ป้า ๆ ลุง ๆ ได้อะไรจากกองทุนบ้าง เป็นไปตามที่หวังไว้ไหมครับ", []),
            (
                "แรงงานนอกระบบ 1",
                "ป้าตกต้นลำไยขาหัก นอนโรงพยาบาลห้าวัน กองทุนจ่ายค่านอนให้คืนละร้อย "
                "เงินไม่มากแต่ใจมันชื่นที่มีคนมาเยี่ยมถึงบ้าน",
                [
                    ("กองทุนจ่ายค่านอนให้คืนละร้อย", "S:concrete_benefits F:social_security"),
                    ("ใจมันชื่นที่มีคนมาเยี่ยมถึงบ้าน", "F:added_value B:holistic_health"),
                ],
            ),
            (
                "แรงงานนอกระบบ 2",
                "กลุ่มทอผ้าเอากำไรมาสมทบกองทุนทุกปี ทำให้รู้สึกว่าเป็นเจ้าของ ไม่ใช่แค่ผู้รับ",
                [("กลุ่มทอผ้าเอากำไรมาสมทบกองทุนทุกปี", "F:mobilized_resources F:organization")],
            ),
            (
                "แรงงานนอกระบบ 3",
                "ที่อยากให้ปรับคือเรื่องเอกสาร เบิกทีไรต้องมีใบรับรองแพทย์ บางทีไปคลินิกไม่ได้ใบมา "
                "ก็เบิกไม่ได้ อยากให้ใช้คำรับรองของ อสอ. แทนได้",
                [("อยากให้ใช้คำรับรองของ อสอ. แทนได้", "F:opportunity F:rightness")],
            ),
            (
                "แรงงานนอกระบบ 1",
                "ที่อยากให้คงไว้คือออมวันละบาท มันน้อยจนทุกคนเข้าร่วมได้ คนจนที่สุดก็เป็นสมาชิกได้",
                [("ออมวันละบาท มันน้อยจนทุกคนเข้าร่วมได้", "F:equity F:intention_involvement")],
            ),
        ],
    },
    {
        "fund": "banthi",
        "kind": "interview",
        "group": "ohs_volunteer",
        "title": "สัมภาษณ์เชิงลึกอาสาสมัครอาชีวอนามัย (อสอ.) ตำบลบ้านธิ",
        "days_ago": 125,
        "place": "บ้านอาสาสมัคร หมู่ 4",
        "stage": "concrete_benefits",
        "people": [("ohs_volunteer", 1, "นางบัวจันทร์ ตัวอย่าง", "อสอ. ก")],
        "turns": [
            (FACILITATOR, "อสอ. มีบทบาทกับกองทุนอย่างไรบ้างครับ", []),
            (
                "อสอ. ก",
                "ฉันเดินเยี่ยมบ้านสมาชิกที่ป่วยทุกเดือน ดูเรื่องสารเคมีในสวนด้วย เวลาใครป่วยเพราะยาฆ่าแมลง "
                "เราก็บอกกองทุน บอกโรงพยาบาล",
                [
                    ("เดินเยี่ยมบ้านสมาชิกที่ป่วยทุกเดือน", "F:added_value F:intention_involvement"),
                    ("ดูเรื่องสารเคมีในสวนด้วย", "B:ecology B:holistic_health"),
                ],
            ),
            (
                "อสอ. ก",
                "ที่ทำได้เพราะโรงพยาบาลส่งเสริมสุขภาพตำบลกับศูนย์วิชาการมาอบรมให้ "
                "ถ้าไม่มีเครือข่ายพวกนี้ เราก็ไม่รู้จะเริ่มตรงไหน",
                [("ถ้าไม่มีเครือข่ายพวกนี้ เราก็ไม่รู้จะเริ่มตรงไหน", "F:networking F:organization")],
            ),
            (
                "อสอ. ก",
                "ทำแล้วไม่ได้เงินหรอก แต่ชาวบ้านนับถือ มีกำลังใจ อยากทำต่อ",
                [("ชาวบ้านนับถือ มีกำลังใจ อยากทำต่อ", "F:motivation")],
            ),
        ],
    },
    {
        "fund": "thaneun",
        "kind": "focus_group",
        "group": "community_leader",
        "title": "สนทนากลุ่มผู้นำชุมชนและคณะทำงานตำบลทาเหนือ",
        "days_ago": 120,
        "place": "ห้องประชุมเทศบาลตำบลทาเหนือ",
        "stage": "mobilize_capital",
        "people": [("community_leader", 5, "", ""), ("working_team", 4, "", "")],
        "turns": [
            (FACILITATOR, "ทาเหนือเริ่มต้นกองทุนจากฐานคิดอะไรครับ", []),
            (
                "ผู้นำชุมชน 1",
                "เราคิดแบบเศรษฐกิจก่อน คนที่นี่ทำงานรับจ้าง รายได้ไม่แน่นอน ต้องมีเงินก้อนไว้พึ่งตอนเดือดร้อน "
                "และต้องเป็นของชุมชนเอง ไม่รอรัฐ",
                [
                    ("ต้องมีเงินก้อนไว้พึ่งตอนเดือดร้อน", "B:economics F:social_security"),
                    ("ต้องเป็นของชุมชนเอง ไม่รอรัฐ", "B:community"),
                ],
            ),
            (
                "คณะทำงาน 1",
                "เราขอให้เทศบาลสมทบ ตอนแรกเขาไม่เข้าใจ ต้องเอาตัวเลขสมาชิกกับระเบียบไปชี้แจงหลายครั้ง "
                "สุดท้ายก็ได้งบสมทบมา",
                [
                    ("ขอให้เทศบาลสมทบ", "S:mobilize_capital F:mobilized_resources"),
                    (
                        "ต้องเอาตัวเลขสมาชิกกับระเบียบไปชี้แจงหลายครั้ง",
                        "F:transparency_teamwork F:networking",
                    ),
                ],
            ),
            (
                "ผู้นำชุมชน 2",
                "ร่างระเบียบเราเขียนกันเองในวงประชาคม ทุกหมู่บ้านส่งคนมา ใครไม่เห็นด้วยก็แก้จนเห็นพ้อง",
                [
                    (
                        "ร่างระเบียบเราเขียนกันเองในวงประชาคม",
                        "S:draft_regulation F:intention_involvement",
                    )
                ],
            ),
            (
                "คณะทำงาน 2",
                "สิ่งที่ยังไม่ดีคือกรรมการบางคนมาประชุมไม่สม่ำเสมอ งานไปตกที่คนสองสามคน ต้องแบ่งงานให้ชัด",
                [
                    (
                        "งานไปตกที่คนสองสามคน ต้องแบ่งงานให้ชัด",
                        "F:committee_commitment S:committee_manager",
                    )
                ],
            ),
        ],
    },
    {
        "fund": "thaneun",
        "kind": "focus_group",
        "group": "informal_worker",
        "title": "สนทนากลุ่มแรงงานนอกระบบตำบลทาเหนือ (รับจ้างและค้าขาย)",
        "days_ago": 112,
        "place": "ลานอเนกประสงค์ตลาดทาเหนือ",
        "stage": "concrete_benefits",
        "people": [
            ("informal_worker", 4, "", "general_labour"),
            ("informal_worker", 3, "", "small_trader"),
        ],
        "turns": [
            (FACILITATOR, "พี่ ๆ เป็นสมาชิกกองทุนแล้วชีวิตเปลี่ยนไปอย่างไรบ้างครับ", []),
            (
                "แรงงานนอกระบบ 1",
                "รับจ้างก่อสร้างไม่มีใครคุ้มครอง ตอนนี้อย่างน้อยตายไปลูกเมียก็ได้ค่าทำศพ ไม่ต้องกู้นอกระบบ",
                [("ตายไปลูกเมียก็ได้ค่าทำศพ ไม่ต้องกู้นอกระบบ", "S:concrete_benefits F:social_security")],
            ),
            (
                "แรงงานนอกระบบ 2",
                "ขายของในตลาดรู้สึกว่าได้รับความเท่าเทียม มีสิทธิเหมือนคนทำงานบริษัทบ้าง แม้จะน้อยกว่า",
                [("มีสิทธิเหมือนคนทำงานบริษัทบ้าง", "F:equity F:opportunity")],
            ),
            (
                "แรงงานนอกระบบ 3",
                "อยากให้กรรมการประกาศยอดเงินกองทุนในตลาดด้วย คนค้าขายไม่ค่อยได้ไปประชุม จะได้รู้ว่าเงินยังอยู่",
                [
                    (
                        "อยากให้กรรมการประกาศยอดเงินกองทุนในตลาดด้วย",
                        "F:transparency_teamwork S:transparent_management",
                    )
                ],
            ),
            (
                "แรงงานนอกระบบ 1",
                "ที่ควรปรับคือการชวนคนหนุ่มสาวเข้ามา ตอนนี้สมาชิกส่วนใหญ่อายุมาก กองทุนจะอยู่ไม่ได้",
                [("การชวนคนหนุ่มสาวเข้ามา", "F:motivation S:participation_strategy")],
            ),
        ],
    },
    {
        "fund": "thaneun",
        "kind": "interview",
        "group": "ohs_volunteer",
        "title": "สัมภาษณ์เชิงลึกอาสาสมัครอาชีวอนามัย (อสอ.) ตำบลทาเหนือ",
        "days_ago": 105,
        "place": "ศูนย์สุขภาพชุมชนทาเหนือ",
        "stage": "participation_strategy",
        "people": [("ohs_volunteer", 1, "นายสมหมาย ตัวอย่าง", "อสอ. ข")],
        "turns": [
            (FACILITATOR, "ทำไมคนถึงอยากมาเป็นสมาชิกกองทุนครับ", []),
            (
                "อสอ. ข",
                "ผมใช้วิธีไปคุยตอนตรวจสุขภาพคนทำงาน วัดความดันไปก็เล่าเรื่องกองทุนไป คนเห็นว่าเราห่วงจริง ก็สมัคร",
                [("วัดความดันไปก็เล่าเรื่องกองทุนไป", "S:participation_strategy F:added_value")],
            ),
            (
                "อสอ. ข",
                "หลักของผมคือทำให้ถูกต้อง ใครเบิกก็ต้องตามระเบียบ ไม่มีพวกพ้อง คนจึงไว้ใจ",
                [("ใครเบิกก็ต้องตามระเบียบ ไม่มีพวกพ้อง", "F:rightness F:transparency_teamwork")],
            ),
        ],
    },
    {
        "fund": "thaneun",
        "kind": "conference",
        "group": "academic",
        "title": "เวทีประชุมกลุ่มศูนย์วิชาการแรงงานนอกระบบภาคเหนือกับคณะทำงานสองพื้นที่",
        "days_ago": 90,
        "place": "ศูนย์วิชาการแรงงานนอกระบบภาคเหนือ",
        "stage": "transparent_management",
        "people": [("academic", 3, "", ""), ("working_team", 6, "", "")],
        "turns": [
            (
                "นักวิจัย 1",
                "จากการถอดบทเรียนสองพื้นที่ เราเห็นว่ากระบวนการคล้ายกันตาม SW-NT Model "
                "แต่ฐานคิดต่างกัน บ้านธิเน้นนิเวศและสุขภาวะ ทาเหนือเน้นเศรษฐกิจและชุมชน",
                [("กระบวนการคล้ายกันตาม SW-NT Model", "S:paradigm_consensus F:networking")],
            ),
            (
                "คณะทำงาน บ้านธิ",
                "เห็นด้วยครับ สิ่งที่สองพื้นที่เหมือนกันคือความโปร่งใส ถ้าชาวบ้านไม่เห็นบัญชี กองทุนอยู่ไม่ได้",
                [
                    (
                        "ถ้าชาวบ้านไม่เห็นบัญชี กองทุนอยู่ไม่ได้",
                        "F:transparency_teamwork S:transparent_management",
                    )
                ],
            ),
            (
                "คณะทำงาน ทาเหนือ",
                "ที่ทาเหนืออยากเรียนจากบ้านธิเรื่องให้กลุ่มอาชีพสมทบกองทุน จะได้ไม่พึ่งงบเทศบาลอย่างเดียว",
                [("ให้กลุ่มอาชีพสมทบกองทุน", "F:mobilized_resources F:organization")],
            ),
            (
                "นักวิจัย 2",
                "ข้อเสนอคือทำเวทีแลกเปลี่ยนระหว่างกองทุนทุกปี และสร้างผู้นำรุ่นใหม่ร่วมกัน",
                [
                    ("ทำเวทีแลกเปลี่ยนระหว่างกองทุนทุกปี", "F:networking"),
                    ("สร้างผู้นำรุ่นใหม่ร่วมกัน", "F:leader"),
                ],
            ),
        ],
    },
]

LESSONS = [
    {
        "fund": None,
        "statement": "ความโปร่งใสที่สมาชิกมองเห็นได้ (บัญชีติดบอร์ด ประกาศยอดเงิน) คือสิ่งที่ทำให้คนยังเชื่อมั่น "
        "แม้เงินสมทบจากหน่วยงานจะล่าช้า",
        "recommendation": "เปิดเผยรายงานการเงินรายเดือนในที่ที่สมาชิกไปจริง เช่น ตลาดและศาลาหมู่บ้าน",
        "factors": ["transparency_teamwork", "rightness"],
        "stage": "transparent_management",
        "evidence": [
            "เอาบัญชีมาติดบอร์ดทุกเดือน",
            "อยากให้กรรมการประกาศยอดเงินกองทุนในตลาดด้วย",
            "ถ้าชาวบ้านไม่เห็นบัญชี กองทุนอยู่ไม่ได้",
        ],
        "actions": [
            ("ติดรายงานการเงินรายเดือนที่ตลาดทาเหนือ", "เหรัญญิกกองทุนทาเหนือ", 30, ActionStatus.IN_PROGRESS),
            (
                "พิมพ์หน้ารายงานสาธารณะจาก Kongtun ทุกเดือน",
                "เลขานุการกองทุนบ้านธิ",
                45,
                ActionStatus.PLANNED,
            ),
        ],
    },
    {
        "fund": None,
        "statement": "การชวนคนเข้าร่วมได้ผลเมื่อไปคุยในชีวิตประจำวัน (วงกาแฟ งานบุญ การตรวจสุขภาพ) "
        "มากกว่าการเรียกประชุม",
        "recommendation": "ให้ อสอ. และคณะทำงานนำเรื่องกองทุนไปพูดในกิจกรรมที่มีอยู่แล้ว",
        "factors": ["intention_involvement", "added_value"],
        "stage": "participation_strategy",
        "evidence": ["เดินไปทุกหมู่บ้าน ไปคุยในวงกาแฟ ในงานบุญ", "วัดความดันไปก็เล่าเรื่องกองทุนไป"],
        "actions": [
            ("จัดตารางเยี่ยมบ้านร่วมกับการตรวจสุขภาพคนทำงาน", "อสอ. ทั้งสองตำบล", 60, ActionStatus.PLANNED)
        ],
    },
    {
        "fund": "banthi",
        "statement": "เงินสมทบเล็กน้อย (วันละบาท) ทำให้คนจนที่สุดเป็นสมาชิกได้ และสร้างความรู้สึกเท่าเทียม",
        "recommendation": "คงอัตราสมทบขั้นต่ำไว้ และเพิ่มทางเลือกสมทบสูงขึ้นแบบสมัครใจ",
        "factors": ["equity", "opportunity"],
        "stage": "mobilize_capital",
        "evidence": ["ออมวันละบาท มันน้อยจนทุกคนเข้าร่วมได้", "ให้ทุกคนจ่ายไหว ไม่ทิ้งใครไว้ข้างหลัง"],
        "actions": [("เสนอทางเลือกสมทบเพิ่มในที่ประชุมใหญ่", "ประธานกองทุนบ้านธิ", 90, ActionStatus.PLANNED)],
    },
    {
        "fund": None,
        "statement": "ผู้นำรุ่นแรกอายุมากและงานกระจุกที่คนไม่กี่คน: กองทุนต้องสร้างผู้นำและกรรมการรุ่นใหม่",
        "recommendation": "จับคู่กรรมการรุ่นใหม่กับกรรมการเดิมในงานบัญชีและการเยี่ยมบ้าน",
        "factors": ["leader", "committee_commitment", "motivation"],
        "stage": "committee_manager",
        "evidence": [
            "ต้องสร้างผู้นำรุ่นใหม่ให้ทัน",
            "งานไปตกที่คนสองสามคน ต้องแบ่งงานให้ชัด",
            "การชวนคนหนุ่มสาวเข้ามา",
        ],
        "actions": [
            ("หาอาสาสมัครรุ่นใหม่ช่วยงานบัญชี 2 คน", "ผู้จัดการกองทุนทาเหนือ", 60, ActionStatus.PLANNED),
            ("อบรมการใช้ Kongtun ให้คณะทำงานรุ่นใหม่", "ผู้ประสานงานเครือข่าย", -10, ActionStatus.DONE),
        ],
    },
    {
        "fund": "thaneun",
        "statement": "การพึ่งงบเทศบาลอย่างเดียวเสี่ยง: กลุ่มอาชีพที่สมทบกองทุน (แบบบ้านธิ) ทำให้สมาชิกรู้สึกเป็นเจ้าของ",
        "recommendation": "ชวนกลุ่มอาชีพในทาเหนือสมทบกำไรส่วนหนึ่งเข้ากองทุน",
        "factors": ["mobilized_resources", "organization"],
        "stage": "mobilize_capital",
        "evidence": ["กลุ่มทอผ้าเอากำไรมาสมทบกองทุนทุกปี", "ให้กลุ่มอาชีพสมทบกองทุน"],
        "actions": [("ประชุมกลุ่มอาชีพเรื่องการสมทบกองทุน", "คณะทำงานทาเหนือ", 75, ActionStatus.PLANNED)],
    },
]


def _second_coder(keys: list[str], i: int) -> list[str]:
    """The second coder's reading: mostly the same, but drops a second code now and then and
    reads some passages differently, as two people do."""
    keys = list(keys)
    if i % 4 == 1 and len(keys) > 1:
        keys = keys[:1]
    if i % 5 == 2:
        keys = [*keys, "F:motivation"] if "F:motivation" not in keys else keys
    if i % 7 == 3:
        keys = [k for k in keys if not k.startswith("B:")] or keys
    return keys


def _code_lookup(study: Study) -> dict[str, Code]:
    out = {}
    for code in study.codes.select_related("factor", "stage"):
        if code.factor_id:
            out[f"F:{code.factor.code}"] = code
        elif code.stage_id:
            out[f"S:{code.stage.code}"] = code
    from kongtun.aar.content import CONCEPTUAL_BASES

    names = {th: key for key, th, _en, _d in CONCEPTUAL_BASES}
    for code in study.codes.filter(kind="basis", parent__isnull=False):
        if code.name_th in names:
            out[f"B:{names[code.name_th]}"] = code
    return out


def _user(username: str, first: str, last: str) -> object:
    from kongtun.demo.people import DEMO_PASSWORD

    User = get_user_model()
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.first_name, user.last_name = first, last
        user.save()
    return user


def build(funds: Sequence[Fund], *, today: dt.date) -> Study | None:
    """The study over the demo funds (a no-op unless both Banthi and Thaneun are there)."""
    by_key = {}
    for fund in funds:
        key = (
            "banthi"
            if fund.subdistrict.code == "510701"
            else "thaneun"
            if fund.subdistrict.code == "502306"
            else ""
        )
        if key:
            by_key[key] = fund
    if set(by_key) != {"banthi", "thaneun"}:
        return None
    User = get_user_model()
    lead = User.objects.get(username="coordinator")
    coder2 = _user("aar.coder", "ผู้ช่วยวิจัย", "ถอดบทเรียน")
    note_taker = User.objects.filter(username="banthi.secretary").first()
    study = services.study_create(
        title="ถอดบทเรียนกระบวนการพัฒนาสวัสดิการชุมชน บ้านธิ–ทาเหนือ (สาธิต)",
        purpose="ถอดบทเรียนการพัฒนากองทุนสวัสดิการชุมชนสองพื้นที่ด้วยเทคนิค After Action Review "
        "ตามแนวทางของการศึกษาต้นแบบ — ข้อมูลทั้งหมดในการศึกษานี้เป็นข้อมูลสังเคราะห์เพื่อการสาธิต",
        funds=[by_key["banthi"], by_key["thaneun"]],
        lead=lead,
        synthetic=True,
    )
    for user, role in (
        (lead, TeamRole.FACILITATOR),
        (lead, TeamRole.CODER),
        (coder2, TeamRole.CODER),
    ):
        services.team_member_add(study=study, user=user, role=role)
    if note_taker:
        services.team_member_add(study=study, user=note_taker, role=TeamRole.NOTE_TAKER)
    services.committee_permission_set(study=study, fund=by_key["banthi"], allowed=True)
    spans = {
        "preparation": (200, 170, "ทบทวนฐานคิด ลงพื้นที่สำรวจ พัฒนาแนวคำถาม"),
        "conduct": (160, 85, "สนทนากลุ่ม สัมภาษณ์เชิงลึก และเวทีประชุมกลุ่มกับศูนย์วิชาการ"),
        "conclusion": (80, 20, "วิเคราะห์เนื้อหา จัดหมวดหมู่ และเชื่อมโยงข้อมูล"),
    }
    for phase in study.phases.all():
        start, end, notes = spans[phase.kind]
        services.phase_update(
            phase=phase,
            starts_on=today - dt.timedelta(days=start),
            ends_on=today - dt.timedelta(days=end),
            notes=notes,
        )
    codes = _code_lookup(study)
    evidence: dict[str, Segment] = {}
    n = 0
    for spec in SESSIONS:
        fund = by_key[spec["fund"]]
        stage = Stage.objects.filter(process__fund=fund, code=spec["stage"]).first()
        session = services.session_save(
            study=study,
            data=services.SessionInput(
                fund=fund,
                kind=spec["kind"],
                title=spec["title"],
                target_group=spec["group"],
                held_on=today - dt.timedelta(days=spec["days_ago"]),
                place=spec["place"],
                facilitator=lead,
                note_taker=note_taker,
                stage=stage,
            ),
            actor=lead,
        )
        for group, count, name, extra in spec["people"]:
            occupation = None
            if group == "informal_worker" and extra:
                occupation = (
                    OccupationGroup.objects.filter(fund=fund, code=extra)
                    .values_list("pk", flat=True)
                    .first()
                )
            services.participant_add(
                session=session,
                target_group=group,
                count=count,
                name=name,
                pseudonym=extra if name else "",
                occupation_id=occupation,
                consent_given=True,
                consent_on=session.held_on,
            )
        text = SYNTHETIC_LINE + "".join(
            f"{speaker}: {body}\n" for speaker, body, _c in spec["turns"]
        )
        transcript = services.transcript_create(
            session=session, text=text, title="บันทึกถอดความ", synthetic=True, actor=note_taker
        )
        for _speaker, _body, codings in spec["turns"]:
            for phrase, keys in codings:
                start = transcript.text.index(phrase)
                end = start + len(phrase)
                first = keys.split()
                seg = services.segment_code(
                    transcript=transcript,
                    start=start,
                    end=end,
                    coder=lead,
                    codes=[codes[k] for k in first],
                )
                evidence.setdefault(phrase, seg)
                services.segment_code(
                    transcript=transcript,
                    start=start,
                    end=end,
                    coder=coder2,
                    codes=[codes[k] for k in _second_coder(first, n)],
                )
                n += 1
    factors = {f.code: f for f in Factor.objects.all()}
    stages = {s.code: s for s in DefaultStage.objects.all()}
    for spec in LESSONS:
        lesson = services.lesson_save(
            study=study,
            lesson=None,
            statement=spec["statement"],
            recommendation=spec["recommendation"],
            fund=by_key[spec["fund"]] if spec["fund"] else None,
            stage=stages.get(spec["stage"]),
            factors=[factors[c] for c in spec["factors"]],
            evidence=[evidence[p] for p in spec["evidence"]],
            actor=lead,
        )
        for description, owner, days, status in spec["actions"]:
            services.action_save(
                lesson=lesson,
                action=None,
                description=description,
                owner=owner,
                due_on=today + dt.timedelta(days=days),
                status=status,
                done_on=today + dt.timedelta(days=days) if status == ActionStatus.DONE else None,
            )
    services.memo_add(
        study=study,
        author=lead,
        text="ความโปร่งใสถูกพูดถึงในทุกกลุ่มเป้าหมาย และมักพูดคู่กับการบริหารจัดการอย่างโปร่งใส (ขั้นตอน SW-NT)",
        code=codes["F:transparency_teamwork"],
    )
    meeting = meeting_create(
        fund=by_key["banthi"],
        kind=MeetingKind.COMMITTEE,
        date=today + dt.timedelta(days=14),
        title="ประชุมคณะกรรมการประจำเดือน",
        place="ที่ทำการกองทุน",
        agenda="เรื่องที่ประธานแจ้งให้ทราบ\nรายงานการเงินประจำเดือน",
        actor=None,
    )
    services.lesson_put_on_agenda(
        lesson=study.lessons.get(position=1), meeting=meeting, actor=lead, today=today
    )
    return study
