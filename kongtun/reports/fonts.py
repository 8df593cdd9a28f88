"""Sarabun for PDFs whose Thai text can be copied out exactly.

A PDF maps each glyph to the text it stands for, one mapping per glyph. HarfBuzz shapes SARA AM
(ำ) as NIKHAHIT + SARA AA — the same SARA AA glyph as า — and WeasyPrint gives a glyph the
text of its cluster the first time it draws it, so a plain Sarabun PDF copies "ประจำ" out as
"ประจา". Here the font gets a separate copy of SARA AA for each way SARA AM is drawn (after
NIKHAHIT, or after NIKHAHIT joined with one of the four tone marks), substituted by one more
lookup in the font's own Thai ``ccmp`` feature: each copy is only ever drawn for SARA AM, so it
maps back to exactly "ำ" (or "่ำ", "้ำ", …) and copying gives the text as typed. The shapes and
positions are Sarabun's own: the copies are the same outline.

The font comes from the fontpkg-sarabun package (``core.finders.font_path``) and the derived
file is written once into a cache directory; nothing is downloaded or committed.
"""

from __future__ import annotations

import copy
import hashlib
import os
import tempfile
import threading
from pathlib import Path

from kongtun.core.finders import font_path

_LOCK = threading.Lock()
VERSION = "1"
#: The glyph NIKHAHIT becomes after HarfBuzz decomposes SARA AM, alone or ligated with a tone
#: mark by Sarabun's own ccmp → the SARA AA copy drawn after it.
AFTER = {
    "uni0E4D": "uni0E32.am",
    "uni0E4D0E48": "uni0E32.am48",
    "uni0E4D0E49": "uni0E32.am49",
    "uni0E4D0E4A": "uni0E32.am4A",
    "uni0E4D0E4B": "uni0E32.am4B",
}


def _cache_dir() -> Path:
    try:
        from django.conf import settings

        base = Path(getattr(settings, "VAR_DIR", "") or tempfile.gettempdir())
    except Exception:  # pragma: no cover - used without Django settings
        base = Path(tempfile.gettempdir())
    path = base / "fonts"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _patch(source: Path, target: Path) -> None:
    from fontTools.otlLib import builder
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables import otTables

    font = TTFont(str(source))
    order = font.getGlyphOrder()
    present = set(order)
    if "uni0E32" not in present or not all(g in present for g in AFTER):
        font.save(str(target))  # another font: nothing to do
        return
    glyf, hmtx = font["glyf"], font["hmtx"]
    gdef = font["GDEF"].table if "GDEF" in font else None
    new = list(AFTER.values())
    font.setGlyphOrder(order + new)
    for name in new:
        glyf[name] = copy.deepcopy(glyf["uni0E32"])
        hmtx[name] = hmtx["uni0E32"]
        if gdef is not None and gdef.GlyphClassDef is not None:
            base_class = gdef.GlyphClassDef.classDefs.get("uni0E32")
            if base_class:
                gdef.GlyphClassDef.classDefs[name] = base_class
    if "post" in font and hasattr(font["post"], "extraNames"):
        font["post"].glyphOrder = font.getGlyphOrder()

    gsub = font["GSUB"].table
    lookups = gsub.LookupList.Lookup
    singles = {}
    for after, copy_name in AFTER.items():
        lookups.append(
            builder.buildLookup([builder.buildSingleSubstSubtable({"uni0E32": copy_name})])
        )
        singles[after] = len(lookups) - 1
    subtables = []
    for after, index in singles.items():
        st = otTables.ChainContextSubst()
        st.Format = 3
        st.BacktrackCoverage = [builder.buildCoverage([after], font.getReverseGlyphMap())]
        st.InputCoverage = [builder.buildCoverage(["uni0E32"], font.getReverseGlyphMap())]
        st.LookAheadCoverage = []
        record = otTables.SubstLookupRecord()
        record.SequenceIndex = 0
        record.LookupListIndex = index
        st.SubstLookupRecord = [record]
        st.SubstCount = 1
        st.BacktrackGlyphCount = 1
        st.InputGlyphCount = 1
        st.LookAheadGlyphCount = 0
        subtables.append(st)
    chain = otTables.Lookup()
    chain.LookupType = 6
    chain.LookupFlag = 0
    chain.SubTable = subtables
    chain.SubTableCount = len(subtables)
    lookups.append(chain)
    gsub.LookupList.LookupCount = len(lookups)
    chain_index = len(lookups) - 1
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag == "ccmp":
            record.Feature.LookupListIndex.append(chain_index)
            record.Feature.LookupCount = len(record.Feature.LookupListIndex)
    font.save(str(target))


def pdf_font_path(name: str = "Sarabun-Regular.ttf") -> Path:
    """The Sarabun file for PDFs (derived once from the package's file, then cached)."""
    source = font_path(name)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
    target = _cache_dir() / f"{source.stem}-pdf{VERSION}-{digest}.ttf"
    if target.exists():
        return target
    with _LOCK:
        if not target.exists():
            # Written under a name of its own, then renamed: another process building the same
            # file at the same time never reads half of it.
            fd, partial = tempfile.mkstemp(dir=target.parent, suffix=".part")
            os.close(fd)
            try:
                _patch(source, Path(partial))
                os.replace(partial, target)
            finally:
                if os.path.exists(partial):
                    os.unlink(partial)
    return target
