"""Keyword in context over a study's transcripts, finding Thai words inside unspaced text
(decision 0023).

When a transcript is saved, ``transcript_index`` cuts its text into words with PyThaiNLP's
newmm (offline, the dictionary the package ships) and stores each distinct word with its
offsets (``TranscriptWord``). A word the dictionary holds as one compound (``มีส่วนร่วม``,
``ตารางเวลา``) is also split into its fewest dictionary parts and the parts of 4 characters or
more are indexed too, so ``ส่วนร่วม`` is found inside it; shorter parts are not (``ตา`` inside
``ตาราง`` is not the word ``ตา``).

``kwic_search`` cuts the query the same way, looks its first word up on the (study, word)
index, checks a phrase against the text, and returns each hit with the text around it — the
context never starts or ends inside a grapheme cluster.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet

from kongtun.aar.graphemes import snap
from kongtun.aar.models import Session, SpeakerTurn, Study, Transcript
from kongtun.aar.models_search import TranscriptWord

MAX_WORD = 100
#: Parts of a compound shorter than this are not indexed on their own (see the module doc).
MIN_PART = 4
#: A line longer than this is cut with newmm's safe mode (bounded time on odd input).
LONG_LINE = 3000

_WORDLIKE = re.compile(r"\w", re.UNICODE)


@functools.lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    from pythainlp.corpus import thai_words

    return frozenset(thai_words())


def words(text: str) -> list[tuple[int, str]]:
    """``(offset, token)`` for every token of ``text`` (whitespace included), newmm line by
    line; the tokens put together are exactly the text."""
    from pythainlp.tokenize import word_tokenize

    out: list[tuple[int, str]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        engine = "newmm-safe" if len(line) > LONG_LINE else "newmm"
        for token in word_tokenize(line, engine=engine, keep_whitespace=True):
            out.append((offset, token))
            offset += len(token)
    return out


def _key(token: str) -> str | None:
    """What a token is indexed and looked up by: lower case, no whitespace or punctuation."""
    token = token.strip().lower()
    if not token or len(token) > MAX_WORD or not _WORDLIKE.search(token):
        return None
    return token


@functools.lru_cache(maxsize=50_000)
def compound_parts(token: str) -> tuple[tuple[int, str], ...]:
    """The fewest dictionary words ``token`` splits into (at least two), as (offset, part), or
    ``()`` when it does not split. Only Thai tokens of 6 characters or more are tried."""
    if len(token) < 6 or not ("\u0e00" <= token[0] <= "\u0e7f"):
        return ()
    dictionary = _dictionary()
    n = len(token)
    best: list[tuple[int, int] | None] = [None] * (n + 1)  # (parts, previous cut)
    best[0] = (0, -1)
    for end in range(1, n + 1):
        for start in range(max(0, end - 30), end):
            if best[start] is None or (start == 0 and end == n):
                continue
            if token[start:end] in dictionary:
                parts = best[start][0] + 1  # type: ignore[index]
                if best[end] is None or parts < best[end][0]:  # type: ignore[index]
                    best[end] = (parts, start)
    if best[n] is None:
        return ()
    cuts = []
    end = n
    while end > 0:
        start = best[end][1]  # type: ignore[index]
        cuts.append((start, token[start:end]))
        end = start
    return tuple(reversed(cuts))


#: Index keys that are not words: the offsets where tokens start (and the text ends), and where
#: the parts of a compound start. Whitespace is never a word, so these cannot collide.
TOKEN_BOUNDARIES = " "
PART_BOUNDARIES = "  "
#: A compound's part shorter than ``MIN_PART`` is indexed under this mark: it can start a match
#: that goes on past it (``ใจดี``), never be a match on its own.
SHORT_PART = "\x01"


def index_rows(text: str) -> dict[str, list[int]]:
    """Each indexed word of ``text`` with its ascending offsets, and the two boundary lists."""
    found: dict[str, list[int]] = defaultdict(list)
    tokens = found[TOKEN_BOUNDARIES]
    parts = found[PART_BOUNDARIES]
    for offset, token in words(text):
        tokens.append(offset)
        key = _key(token)
        if key is None:
            continue
        found[key].append(offset)
        for part_offset, part in compound_parts(token):
            part_key = _key(part)
            if part_key is None:
                continue
            if part_offset:
                parts.append(offset + part_offset)
            if len(part) >= MIN_PART:
                found[part_key].append(offset + part_offset)
            else:
                found[SHORT_PART + part_key].append(offset + part_offset)
    tokens.append(len(text))
    for offsets in found.values():
        offsets.sort()
    return found


@transaction.atomic
def transcript_index(*, transcript: Transcript) -> int:
    """(Re)build the transcript's words; called on every save of its text. Returns the number
    of distinct words."""
    TranscriptWord.objects.filter(transcript=transcript).delete()
    study_id = Session.objects.filter(pk=transcript.session_id).values_list("study_id", flat=True)[
        0
    ]
    rows = [
        TranscriptWord(
            transcript=transcript,
            study_id=study_id,
            word=word,
            positions=",".join(map(str, offsets)),
        )
        for word, offsets in index_rows(transcript.text).items()
    ]
    TranscriptWord.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# --- searching --------------------------------------------------------------------------------


@dataclass(frozen=True)
class KwicHit:
    transcript_id: int
    session_id: int
    session_title: str
    start: int
    end: int
    before: str
    match: str
    after: str
    speaker: str = ""


@dataclass
class KwicResult:
    query: str
    #: The query as the index sees it (the words it was cut into).
    terms: list[str] = field(default_factory=list)
    hits: list[KwicHit] = field(default_factory=list)
    #: Every occurrence, also those beyond ``limit``.
    total: int = 0
    transcripts: int = 0

    @property
    def truncated(self) -> bool:
        return self.total > len(self.hits)


@dataclass(frozen=True)
class Query:
    """A query as matched: the text (whitespace runs collapsed), its first whitespace-free
    chunk (what the index is asked about) and the pattern checked against a transcript."""

    text: str
    first: str
    pattern: re.Pattern[str]

    @classmethod
    def parse(cls, text: str) -> Query | None:
        text = " ".join(text.split())
        chunks = [c for c in text.lower().split(" ") if c]
        if not chunks or _key(text) is None:
            return None
        pattern = re.compile(r"\s+".join(re.escape(c) for c in chunks), re.IGNORECASE)
        return cls(text=text, first=chunks[0][:MAX_WORD], pattern=pattern)

    @property
    def simple(self) -> bool:
        return self.first == self.text.lower()

    def keys(self) -> list[str]:
        """The index keys a match can start with: the words and compound parts that are a
        prefix of the query's first chunk (a match starts where a word or part starts, and
        either that piece is the whole chunk or the chunk goes on over the following pieces)."""
        prefixes = [self.first[:k] for k in range(1, len(self.first) + 1)]
        return prefixes + [SHORT_PART + p for p in prefixes]

    def spans(self, found: dict[str, list[int]], text: Callable[[], str]) -> list[tuple[int, int]]:
        """Where the query matches one transcript: ``found`` holds the transcript's rows for
        ``keys()`` and, when needed, the two boundary lists; ``text`` gives its text."""
        spans: set[tuple[int, int]] = set()
        exact = self.first if self.simple else None
        if exact is not None:
            spans.update((p, p + len(exact)) for p in found.get(exact, ()))
        candidates = sorted(
            {
                p
                for key, offsets in found.items()
                if key not in (exact, TOKEN_BOUNDARIES, PART_BOUNDARIES)
                for p in offsets
            }
        )
        if not candidates:
            return sorted(spans)
        body = text()
        token_b = set(found.get(TOKEN_BOUNDARIES, ()))
        part_b = set(found.get(PART_BOUNDARIES, ()))
        short = len(self.text) < MIN_PART
        for p in candidates:
            m = self.pattern.match(body, p)
            if m is None:
                continue
            end = m.end()
            if end not in token_b and end not in part_b:
                continue  # the match would end inside a word
            if short and not (p in token_b and end in token_b):
                continue  # a short query matches whole words only
            spans.add((p, end))
        return sorted(spans)


def kwic_search(
    study: Study,
    word: str,
    *,
    context: int = 40,
    limit: int = 200,
    sessions: QuerySet[Session] | Iterable[Session] | None = None,
) -> KwicResult:
    """Every place ``word`` (a word or a phrase) is said in the study's transcripts, with
    ``context`` characters either side, in the order of the sessions' dates. ``sessions``
    narrows the search to the sessions the reader may see (``StudyAccess.sessions()``);
    ``limit`` caps the hits returned, ``total`` counts them all."""
    query = Query.parse(word)
    result = KwicResult(query=" ".join(word.split()))
    if query is None:
        return result
    result.terms = [query.first]
    rows = TranscriptWord.objects.filter(study=study, word__in=query.keys())
    if sessions is not None:
        session_ids = (
            sessions.values("pk") if isinstance(sessions, QuerySet) else [s.pk for s in sessions]
        )
        rows = rows.filter(transcript__session__in=session_ids)
    found: dict[int, dict[str, list[int]]] = defaultdict(dict)
    order: dict[int, tuple] = {}
    for tid, key, positions, held_on in rows.values_list(
        "transcript_id", "word", "positions", "transcript__session__held_on"
    ):
        found[tid][key] = [int(p) for p in positions.split(",")]
        order[tid] = (held_on, tid)
    needs_text = [
        tid
        for tid, keys in found.items()
        if any(k != query.first for k in keys) or not query.simple
    ]
    for tid, key, positions in TranscriptWord.objects.filter(
        transcript_id__in=needs_text, word__in=[TOKEN_BOUNDARIES, PART_BOUNDARIES]
    ).values_list("transcript_id", "word", "positions"):
        found[tid][key] = [int(p) for p in positions.split(",")]
    texts = _Texts(needs_text)
    spans = [
        (tid, start, end)
        for tid in sorted(found, key=order.__getitem__)
        for start, end in query.spans(found[tid], functools.partial(texts.text, tid))
    ]
    result.total = len(spans)
    result.transcripts = len({tid for tid, _, _ in spans})
    shown = spans[:limit]
    texts.load({tid for tid, _, _ in shown})
    result.hits = _hits(shown, texts, context)
    return result


class _Texts:
    """Transcript texts fetched in one query each time a batch is needed."""

    def __init__(self, ids: Iterable[int]) -> None:
        self.rows: dict[int, tuple[str, int, str]] = {}
        self.load(ids)

    def load(self, ids: Iterable[int]) -> None:
        missing = [tid for tid in ids if tid not in self.rows]
        if missing:
            self.rows.update(
                (tid, (text, session_id, title))
                for tid, text, session_id, title in Transcript.objects.filter(
                    pk__in=missing
                ).values_list("pk", "text", "session_id", "session__title")
            )

    def text(self, tid: int) -> str:
        return self.rows[tid][0]


def _hits(spans: list[tuple[int, int, int]], texts: _Texts, context: int) -> list[KwicHit]:
    turns: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for tid, start, end, speaker in SpeakerTurn.objects.filter(
        transcript_id__in={tid for tid, _, _ in spans}
    ).values_list("transcript_id", "start", "end", "speaker"):
        turns[tid].append((start, end, speaker))
    hits = []
    for tid, start, end in spans:
        text, session_id, title = texts.rows[tid]
        left = snap(text, max(0, start - context), forward=False)
        right = snap(text, min(len(text), end + context), forward=True)
        hits.append(
            KwicHit(
                transcript_id=tid,
                session_id=session_id,
                session_title=title,
                start=start,
                end=end,
                before=_one_line(text[left:start]),
                match=text[start:end],
                after=_one_line(text[end:right]),
                speaker=_speaker_at(turns.get(tid, []), start),
            )
        )
    return hits


def _speaker_at(turns: list[tuple[int, int, str]], offset: int) -> str:
    i = bisect.bisect_right([t[0] for t in turns], offset) - 1
    if i >= 0 and turns[i][0] <= offset < turns[i][1]:
        return turns[i][2]
    return ""


def _one_line(text: str) -> str:
    return " ".join(text.split()) if "\n" in text else text


def segment_scan(texts: Iterable[tuple[int, str]], word: str) -> list[tuple[int, int, int]]:
    """The same search without the index: every text cut into words at query time (the
    benchmark's baseline and the tests' reference). ``(transcript, start, end)`` per match."""
    query = Query.parse(word)
    if query is None:
        return []
    keys = set(query.keys())
    out = []
    for tid, text in texts:
        rows = index_rows(text)
        found = {k: v for k, v in rows.items() if k in keys}
        if not found:
            continue
        found[TOKEN_BOUNDARIES] = rows[TOKEN_BOUNDARIES]
        found[PART_BOUNDARIES] = rows[PART_BOUNDARIES]
        out.extend((tid, s, e) for s, e in query.spans(found, lambda text=text: text))
    return out
