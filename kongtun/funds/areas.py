"""Official area codes.

Provinces come from the libraries made for them: codes and English names from pycountry
(ISO 3166-2:TH, whose numbers are the Interior Ministry's province codes) and Thai names from
PyThaiNLP's province list, matched by English name. Districts and subdistricts are many
(about 7,400); the ones the demo and the study need are listed here, and others are added
when a fund is created (the fund form checks that each code starts with its parent's).
"""

from __future__ import annotations

# (code, name_th, name_en): the study's two pilot areas and their parents.
# Tha Nuea 502306 / Mae On 5023 match public DOPA-derived datasets; Ban Thi 5107 / 510701
# follow the DOPA numbering (Ban Thi is Lamphun's 7th district).
PILOT_AREAS: list[tuple[str, str, str]] = [
    ("5107", "บ้านธิ", "Ban Thi"),
    ("510701", "บ้านธิ", "Ban Thi"),
    ("510702", "ห้วยยาบ", "Huai Yap"),
    ("5023", "แม่ออน", "Mae On"),
    ("502301", "ออนเหนือ", "On Nuea"),
    ("502302", "ออนกลาง", "On Klang"),
    ("502303", "บ้านสหกรณ์", "Ban Sahakon"),
    ("502304", "ห้วยแก้ว", "Huai Kaeo"),
    ("502305", "แม่ทา", "Mae Tha"),
    ("502306", "ทาเหนือ", "Tha Nuea"),
]


def provinces() -> list[tuple[str, str, str]]:
    """(code, name_th, name_en) for the 77 provinces."""
    import pycountry
    from pythainlp.corpus import provinces as thai_provinces

    def key(name: str) -> str:
        return name.lower().replace(" ", "").replace("-", "")

    thai = {key(p["name_en"]): p["name_th"] for p in thai_provinces(details=True)}
    thai[key("Krung Thep Maha Nakhon")] = thai[key("Bangkok")]
    rows = []
    for sub in pycountry.subdivisions.get(country_code="TH"):
        code = sub.code.split("-")[1]
        if not code.isdigit():
            continue  # TH-S, Pattaya: a special city, not a province
        name_en = "Bangkok" if code == "10" else sub.name
        rows.append((code, thai[key(sub.name)], name_en))
    return sorted(rows)


def level_of(code: str) -> str:
    return {2: "province", 4: "district", 6: "subdistrict"}[len(code)]


def areas_ensure(*, using: str = "default") -> None:
    """Load the provinces and the pilot areas when they are missing (idempotent)."""
    from kongtun.funds.models import Area

    if Area.objects.using(using).filter(code__in=[c for c, _, _ in PILOT_AREAS]).count() == len(
        PILOT_AREAS
    ):
        return
    by_code = {}
    for code, name_th, name_en in provinces():
        by_code[code], _created = Area.objects.using(using).get_or_create(
            code=code, defaults={"level": "province", "name_th": name_th, "name_en": name_en}
        )
    for code, name_th, name_en in PILOT_AREAS:
        by_code[code], _created = Area.objects.using(using).get_or_create(
            code=code,
            defaults={
                "level": level_of(code),
                "name_th": name_th,
                "name_en": name_en,
                "parent": by_code[code[:-2]],
            },
        )
