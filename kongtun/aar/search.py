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

from kongtun.aar.graphemes import is_boundary, snap
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


#: A compound's part shorter than ``MIN_PART`` is indexed under this mark: it can be a piece of
#: a longer match (``ส่วน|ร่วม`` across two cut words), never a match on its own.
SHORT_PART = "\x01"


def index_rows(text: str) -> dict[str, list[int]]:
    """Each indexed word of ``text`` (and each compound part) with its ascending offsets."""
    found: dict[str, list[int]] = defaultdict(list)
    for offset, token in words(text):
        key = _key(token)
        if key is None:
            continue
        found[key].append(offset)
        for part_offset, part in compound_parts(token):
            part_key = _key(part)
            if part_key is None:
                continue
            mark = "" if len(part) >= MIN_PART else SHORT_PART
            found[mark + part_key].append(offset + part_offset)
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
    """A query as matched: its whitespace-free chunks and, for a phrase, the pattern checked
    against the text (any run of whitespace between the chunks)."""

    text: str
    chunks: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Query | None:
        text = " ".join(text.split())
        chunks = tuple(c[:MAX_WORD] for c in text.lower().split(" ") if _key(c))
        return cls(text=text, chunks=chunks) if chunks else None

    @property
    def first(self) -> str:
        return self.chunks[0]

    @property
    def simple(self) -> bool:
        return len(self.chunks) == 1

    def prefix_keys(self) -> list[str]:
        """The keys a match can start with: words and parts that are a prefix of the first
        chunk."""
        first = self.first
        prefixes = [first[:k] for k in range(1, len(first) + 1) if is_boundary(first, k)]
        return prefixes + [SHORT_PART + p for p in prefixes]

    def piece_keys(self) -> list[str]:
        """Every key a match can be built of: the chunks' substrings, as words and parts."""
        subs = {
            c[i:j]
            for c in self.chunks
            for i in range(len(c))
            if is_boundary(c, i)
            for j in range(i + 1, len(c) + 1)
            if is_boundary(c, j)
        }
        return sorted(subs) + [SHORT_PART + s for s in sorted(subs)]

    def chunk_at(self, chunk: str, offset: int, found: dict[str, list[int]] | _Pieces) -> bool:
        """Whether ``chunk`` is said at ``offset``: a run of indexed pieces (words, parts of
        compounds) that starts there and spells it exactly. A chunk shorter than ``MIN_PART``
        must be one whole word."""
        pieces = found if isinstance(found, _Pieces) else _Pieces(found)
        if len(chunk) < MIN_PART:
            return pieces.has(chunk, offset, whole=True)
        return pieces.spells(chunk, offset)

    def spans(self, found: dict[str, list[int]], text: Callable[[], str]) -> list[tuple[int, int]]:
        """Where the query matches one transcript; ``found`` holds the transcript's rows for
        ``piece_keys()`` (those present), ``text`` gives its text (read only for a phrase)."""
        pieces = _Pieces(found)
        starts = sorted({p for key in self.prefix_keys() for p in found.get(key, ())})
        spans = []
        if self.simple:
            for p in starts:
                if self.chunk_at(self.first, p, pieces):
                    spans.append((p, p + len(self.first)))
            return spans
        pattern = re.compile(r"\s+".join(f"({re.escape(c)})" for c in self.chunks), re.IGNORECASE)
        body = text()
        for p in starts:
            m = pattern.match(body, p)
            if m and all(
                self.chunk_at(c, m.start(i + 1), pieces) for i, c in enumerate(self.chunks)
            ):
                spans.append((p, m.end()))
        return spans


class _Pieces:
    """A transcript's indexed pieces by key, as sets, for the chain check."""

    def __init__(self, found: dict[str, list[int]]) -> None:
        self.found = found
        self.sets: dict[str, set[int]] = {}

    def _set(self, key: str) -> set[int]:
        got = self.sets.get(key)
        if got is None:
            got = self.sets[key] = set(self.found.get(key, ()))
        return got

    def has(self, key: str, offset: int, *, whole: bool = False) -> bool:
        if offset in self._set(key):
            return True
        return not whole and offset in self._set(SHORT_PART + key)

    def spells(self, chunk: str, offset: int) -> bool:
        """Whether pieces laid end to end from ``offset`` spell ``chunk`` (cut only where the
        chunk itself may be cut: between grapheme clusters)."""
        n = len(chunk)
        reach = [False] * (n + 1)
        reach[0] = True
        for i in range(n):
            if not reach[i]:
                continue
            for j in range(n, i, -1):
                if not reach[j] and is_boundary(chunk, j) and self.has(chunk[i:j], offset + i):
                    if j == n:
                        return True
                    reach[j] = True
        return False


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
    result.terms = list(query.chunks)
    base = TranscriptWord.objects.filter(study=study)
    if sessions is not None:
        session_ids = (
            sessions.values("pk") if isinstance(sessions, QuerySet) else [s.pk for s in sessions]
        )
        base = base.filter(transcript__session__in=session_ids)
    # 1. Where a match can start: the words and parts the first chunk begins with.
    found: dict[int, dict[str, list[int]]] = defaultdict(dict)
    order: dict[int, tuple] = {}
    prefix_keys = query.prefix_keys()
    for tid, key, positions, held_on in base.filter(word__in=prefix_keys).values_list(
        "transcript_id", "word", "positions", "transcript__session__held_on"
    ):
        found[tid][key] = [int(p) for p in positions.split(",")]
        order[tid] = (held_on, tid)
    # 2. Where a start is not the whole chunk, the pieces that may follow it.
    exact = query.first if query.simple and len(query.first) >= MIN_PART else None
    chained = {tid for tid, keys in found.items() if not query.simple or _open(keys, exact)}
    if chained:
        rest = [k for k in query.piece_keys() if k not in set(prefix_keys)]
        for tid, key, positions in base.filter(
            transcript_id__in=chained, word__in=rest
        ).values_list("transcript_id", "word", "positions"):
            found[tid][key] = [int(p) for p in positions.split(",")]
    texts = _Texts([] if query.simple else list(found))
    spans = []
    for tid in sorted(found, key=order.__getitem__):
        if tid in chained:
            spans.extend(
                (tid, s, e) for s, e in query.spans(found[tid], functools.partial(texts.text, tid))
            )
        else:  # every start is the whole chunk, an indexed word: nothing to check
            spans.extend((tid, p, p + len(exact)) for p in found[tid].get(exact, ()))  # type: ignore[arg-type]
    result.total = len(spans)
    result.transcripts = len({tid for tid, _, _ in spans})
    shown = spans[:limit]
    texts.load({tid for tid, _, _ in shown})
    result.hits = _hits(shown, texts, context)
    return result


def _open(keys: dict[str, list[int]], exact: str | None) -> bool:
    """Whether some start is not already a match of the whole word (and so needs the pieces
    that may follow it)."""
    if exact is None:
        return True
    done = set(keys.get(exact, ()))
    return any(p not in done for key, offsets in keys.items() if key != exact for p in offsets)


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
    i = bisect.bisect_right(turns, (offset, float("inf"), "")) - 1
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
    keys = set(query.piece_keys())
    out = []
    for tid, text in texts:
        found = {k: v for k, v in index_rows(text).items() if k in keys}
        if found:
            out.extend((tid, s, e) for s, e in query.spans(found, lambda text=text: text))
    return out
