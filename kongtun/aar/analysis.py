"""The seed's "content analysis, categorization and data linkage" over coded segments.

Units (decision 0022):

* A **passage** is a cluster of segments of one transcript that overlap one another (of the
  coders asked about); two segments that merely touch do not overlap.
* **Agreement** between two coders is counted per code over the passages of the transcripts
  both coded: for each passage, did coder A apply the code, did coder B? Cohen's kappa is
  (pₒ − pₑ) / (1 − pₑ) on that 2 × 2 table.
* The **code × case matrix** counts segments (a segment coded twice with one code counts once).
* **Co-occurrence** counts passages in which both codes were applied.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import QuerySet
from django.utils.html import escape

from kongtun.aar.models import Code, Segment, SpeakerTurn, TargetGroup, Transcript

# ----------------------------------------------------------------------------- passages


@dataclass
class Passage:
    transcript_id: int
    start: int
    end: int
    segments: list[Segment] = field(default_factory=list)

    def codes_of(self, coder_id: int) -> set[int]:
        return {c for s in self.segments if s.coder_id == coder_id for c in s.code_ids}

    @property
    def code_ids(self) -> set[int]:
        return {c for s in self.segments for c in s.code_ids}


def with_codes(segments: Iterable[Segment]) -> list[Segment]:
    """Segments with ``code_ids`` (a set) attached; pass a queryset with
    ``prefetch_related("codings")`` to read them in one query."""
    out = []
    for s in segments:
        s.code_ids = {c.code_id for c in s.codings.all()}
        out.append(s)
    return out


def passages(segments: Sequence[Segment]) -> list[Passage]:
    """Cluster segments (with ``code_ids``) into passages of overlapping spans, per transcript."""
    by_transcript: dict[int, list[Segment]] = defaultdict(list)
    for s in segments:
        by_transcript[s.transcript_id].append(s)
    out: list[Passage] = []
    for tid, segs in sorted(by_transcript.items()):
        segs.sort(key=lambda s: (s.start, s.end))
        current: Passage | None = None
        for s in segs:
            if current is not None and s.start < current.end:
                current.end = max(current.end, s.end)
                current.segments.append(s)
            else:
                current = Passage(tid, s.start, s.end, [s])
                out.append(current)
    return out


# ----------------------------------------------------------------------------- agreement


@dataclass(frozen=True)
class Agreement:
    code: Code
    both: int  # passages where both applied the code
    only_a: int
    only_b: int
    neither: int

    @property
    def n(self) -> int:
        return self.both + self.only_a + self.only_b + self.neither

    @property
    def observed(self) -> float | None:
        return (self.both + self.neither) / self.n if self.n else None

    @property
    def kappa(self) -> float | None:
        return cohen_kappa(self.both, self.only_a, self.only_b, self.neither)


def cohen_kappa(both: int, only_a: int, only_b: int, neither: int) -> float | None:
    """Cohen's kappa of a 2 × 2 table (yes/yes, yes/no, no/yes, no/no). ``None`` when it is
    undefined: no units, or chance agreement already 1 (both coders said the same on all
    units of one category — then the observed agreement says more than kappa)."""
    n = both + only_a + only_b + neither
    if n == 0:
        return None
    po = (both + neither) / n
    a_yes, b_yes = (both + only_a) / n, (both + only_b) / n
    pe = a_yes * b_yes + (1 - a_yes) * (1 - b_yes)
    if math.isclose(pe, 1.0):
        return None
    return (po - pe) / (1 - pe)


def agreement(
    segments: Sequence[Segment], coder_a: int, coder_b: int, codes: Sequence[Code]
) -> tuple[list[Agreement], list[Passage]]:
    """Per code, the 2 × 2 table over the passages of transcripts both coders coded."""
    coded_by: dict[int, set[int]] = defaultdict(set)
    for s in segments:
        coded_by[s.transcript_id].add(s.coder_id)
    shared = {t for t, coders in coded_by.items() if {coder_a, coder_b} <= coders}
    units = passages(
        [s for s in segments if s.transcript_id in shared and s.coder_id in (coder_a, coder_b)]
    )
    rows = []
    for code in codes:
        cells = Counter()
        for p in units:
            a, b = code.pk in p.codes_of(coder_a), code.pk in p.codes_of(coder_b)
            cells[(a, b)] += 1
        rows.append(
            Agreement(
                code,
                cells[(True, True)],
                cells[(True, False)],
                cells[(False, True)],
                cells[(False, False)],
            )
        )
    return rows, units


# ----------------------------------------------------------------------------- cases


CASE_KINDS = ("fund", "target_group", "session")


def turn_at(turns: Sequence[SpeakerTurn], offset: int) -> SpeakerTurn | None:
    """The speaker turn a segment starts in (turns sorted by start)."""
    found = None
    for t in turns:
        if t.start <= offset:
            if offset < t.end:
                found = t
        else:
            break
    return found


def case_of(segment: Segment, kind: str, turns: dict[int, list[SpeakerTurn]]) -> tuple[str, str]:
    """The case (key, label) a segment belongs to: its fund, its session, or the target group
    of the speaker whose turn it starts in (the session's main group when nobody speaks)."""
    session = segment.transcript.session
    if kind == "fund":
        return str(session.fund_id), session.fund.display_name
    if kind == "session":
        return str(session.pk), session.title
    turn = turn_at(turns.get(segment.transcript_id, []), segment.start)
    group = (turn.target_group if turn and turn.target_group else "") or session.target_group
    return group, str(TargetGroup(group).label)


def turns_by_transcript(transcript_ids: Iterable[int]) -> dict[int, list[SpeakerTurn]]:
    out: dict[int, list[SpeakerTurn]] = defaultdict(list)
    for t in SpeakerTurn.objects.filter(transcript_id__in=list(transcript_ids)).order_by(
        "transcript_id", "start"
    ):
        out[t.transcript_id].append(t)
    return out


@dataclass
class Matrix:
    codes: list[Code]
    cases: list[tuple[str, str]]
    cells: dict[tuple[int, str], list[Segment]]

    def count(self, code_id: int, case: str) -> int:
        return len(self.cells.get((code_id, case), []))

    def rows(self) -> list[tuple[Code, list[tuple[str, int]], int]]:
        out = []
        for code in self.codes:
            counts = [(key, self.count(code.pk, key)) for key, _label in self.cases]
            out.append((code, counts, sum(c for _k, c in counts)))
        return out


def matrix(segments: Sequence[Segment], codes: Sequence[Code], kind: str) -> Matrix:
    """Code × case: the segments (with ``code_ids``) behind each cell."""
    turns = (
        turns_by_transcript({s.transcript_id for s in segments}) if kind == "target_group" else {}
    )
    cells: dict[tuple[int, str], list[Segment]] = defaultdict(list)
    labels: dict[str, str] = {}
    wanted = {c.pk for c in codes}
    for s in segments:
        key, label = case_of(s, kind, turns)
        labels[key] = label
        for code_id in s.code_ids & wanted:
            cells[(code_id, key)].append(s)
    if kind == "target_group":
        order = {v: i for i, v in enumerate(TargetGroup.values)}
        cases = sorted(labels.items(), key=lambda kv: order.get(kv[0], 99))
    else:
        cases = sorted(labels.items(), key=lambda kv: kv[1])
    return Matrix(list(codes), cases, dict(cells))


# ----------------------------------------------------------------------------- co-occurrence


def cooccurrence(segments: Sequence[Segment], codes: Sequence[Code]) -> dict[tuple[int, int], int]:
    """For each pair of codes (lower id first), the passages in which both were applied."""
    wanted = {c.pk for c in codes}
    counts: Counter[tuple[int, int]] = Counter()
    for p in passages(segments):
        ids = sorted(p.code_ids & wanted)
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                counts[(a, b)] += 1
    return dict(counts)


def network_svg(codes: Sequence[Code], pairs: dict[tuple[int, int], int], size: int = 360) -> str:
    """Codes on a circle, a line for each pair spoken of together (thicker: more passages).
    Only codes that co-occur with another are drawn. Inline SVG, no script."""
    linked = sorted({c for pair in pairs for c in pair})
    by_id = {c.pk: c for c in codes}
    nodes = [by_id[i] for i in linked if i in by_id]
    if not nodes:
        return ""
    width = size + 160  # room for the labels left and right
    cx, cy = width / 2, size / 2
    r = size / 2 - 40
    pos = {}
    for i, code in enumerate(nodes):
        angle = 2 * math.pi * i / len(nodes) - math.pi / 2
        pos[code.pk] = (cx + r * math.cos(angle), cy + r * math.sin(angle), angle)
    top = max(pairs.values())
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {size}" '
        f'class="aar-network" role="img" aria-label="co-occurrence network">'
    ]
    for (a, b), n in sorted(pairs.items(), key=lambda kv: kv[1]):
        if a not in pos or b not in pos:
            continue
        (x1, y1, _), (x2, y2, _) = pos[a], pos[b]
        stroke = 1 + 5 * n / top
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="#555" stroke-opacity="0.5" stroke-width="{stroke:.1f}">'
            f"<title>{escape(by_id[a].display_name)} — "
            f"{escape(by_id[b].display_name)}: {n}</title></line>"
        )
    for code in nodes:
        x, y, angle = pos[code.pk]
        anchor = "start" if math.cos(angle) > 0.2 else "end" if math.cos(angle) < -0.2 else "middle"
        lx, ly = x + 10 * math.cos(angle), y + 10 * math.sin(angle) + 4
        label = code.display_name
        if len(label) > 18:
            label = label[:17] + "…"
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{escape(code.colour)}">'
            f"<title>{escape(code.display_name)}</title></circle>"
            f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="10" text-anchor="{anchor}">'
            f"{escape(label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


# ----------------------------------------------------------------------------- context


def context_of(segment: Segment, chars: int = 80) -> tuple[str, str, str]:
    """Text before, the segment, text after (cut on grapheme boundaries)."""
    from kongtun.aar.graphemes import snap

    text = segment.transcript.text
    before = snap(text, segment.start - chars, forward=True)
    after = snap(text, segment.end + chars, forward=False)
    return (
        ("…" if before > 0 else "") + text[before : segment.start],
        text[segment.start : segment.end],
        text[segment.end : after] + ("…" if after < len(text) else ""),
    )


# ----------------------------------------------------------------------------- words


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from pythainlp.corpus import thai_stopwords

    return frozenset(thai_stopwords())


def _is_word(token: str, stop: frozenset[str]) -> bool:
    token = token.strip()
    if len(token) < 2 or token in stop:
        return False
    return any(ch.isalpha() for ch in token)


def word_frequencies(
    transcripts: Iterable[Transcript], top: int = 20
) -> list[tuple[str, str, list[tuple[str, int]]]]:
    """The most frequent words each target group said (newmm segmentation, Thai stop words
    removed). Speaker labels are not counted; text outside a turn counts for the session's
    main group."""
    from pythainlp.tokenize import word_tokenize

    stop = _stopwords()
    texts: dict[str, list[str]] = defaultdict(list)
    for transcript in transcripts:
        turns = list(transcript.turns.all())
        if not turns:
            texts[transcript.session.target_group].append(transcript.text)
            continue
        for t in turns:
            body = transcript.text[t.start : t.end]
            body = body.split(":", 1)[-1] if ":" in body[:70] else body
            texts[t.target_group or transcript.session.target_group].append(body)
    out = []
    for group in TargetGroup.values:
        if group not in texts:
            continue
        counter: Counter[str] = Counter()
        for body in texts[group]:
            counter.update(
                w
                for w in word_tokenize(body, engine="newmm", keep_whitespace=False)
                if _is_word(w, stop)
            )
        out.append((group, str(TargetGroup(group).label), counter.most_common(top)))
    return out


def segments_for(qs: QuerySet[Segment]) -> list[Segment]:
    """Segments of a queryset with their codes, transcripts and sessions, ready for analysis."""
    return with_codes(
        qs.select_related("transcript__session__fund", "coder").prefetch_related("codings")
    )
