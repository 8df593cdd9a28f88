"""Benchmark: keyword in context over 1,000 Thai transcripts (``aar.search.kwic_search``).

Corpus: a scratch SQLite study of 1,000 synthetic transcripts of about 5,000 characters each
(about 5 million Thai characters), written from a seeded word list — the 6,000 commonest Thai
words of the Thai National Corpus as PyThaiNLP ships it, each drawn as often as the corpus
counts it — with some of the study's own
vocabulary (``โปร่งใส``, ``สวัสดิการ``, ``กรรมการ``) mixed in — without spaces inside a
sentence, speaker labels at the start of each turn, as typed transcripts are. Each transcript
is saved through ``aar.services.transcript_create``, so the word index is built by the same
code a user's save runs (its time is printed as a note, not measured against anything).

Ours (``aar_kwic_1k``): ``kwic_search(study, "โปร่งใส")`` — every occurrence counted, the first
200 returned with their context and speaker — in seconds, the median of 5 runs after one
warm-up.

Baseline, same run, same machine: the same search without the index — the transcripts read
from the database and each one segmented with newmm at query time (``segment_scan``, the
same matching rules), once. The results of both are compared and must agree.

    python bench/bench_aar.py [--transcripts N] [--chars N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_line, django_setup, note, scratch_sqlite

SEED = 20260415
WORD = "โปร่งใส"
STUDY_WORDS = [
    "โปร่งใส",
    "สวัสดิการ",
    "กรรมการ",
    "สมาชิก",
    "กองทุน",
    "ชุมชน",
    "ตรวจสอบ",
    "เงินสัจจะ",
    "มีส่วนร่วม",
    "แรงงานนอกระบบ",
]
SPEAKERS = ["ผู้ประสานงาน", "ผู้นำชุมชน", "แรงงานนอกระบบ", "อสอ.", "นักวิจัย"]


def corpus(transcripts: int, chars: int, rng: random.Random) -> list[str]:
    from pythainlp.corpus import tnc

    counted = sorted(
        (
            (n, w)
            for w, n in tnc.word_freqs()
            if w and "\u0e01" <= w[0] <= "\u0e4f" and " " not in w and len(w) <= 20
        ),
        reverse=True,
    )[:6000]
    vocabulary = [w for _, w in counted]
    weights = [n for n, _ in counted]
    texts = []
    for _ in range(transcripts):
        lines, size = [], 0
        while size < chars:
            sentence = []
            for _ in range(rng.randint(6, 14)):
                if rng.random() < 0.04:
                    sentence.append(rng.choice(STUDY_WORDS))
                else:
                    sentence.append(rng.choices(vocabulary, weights)[0])
            line = f"{rng.choice(SPEAKERS)}: " + "".join(sentence)
            if rng.random() < 0.5:
                line += " " + "".join(rng.choices(vocabulary, weights, k=rng.randint(3, 8)))
            lines.append(line)
            size += len(line) + 1
        texts.append("\n".join(lines))
    return texts


def build(transcripts: int, chars: int) -> tuple[object, int, float]:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from kongtun.aar.models import TargetGroup
    from kongtun.aar.services import study_create
    from kongtun.funds.services import AreaInput, FundInput, fund_create

    fund = fund_create(
        data=FundInput(
            name_th="กองทุนทดสอบการค้นคำ",
            short_code="KWIC",
            province_code="51",
            district=AreaInput("5107", "บ้านธิ"),
            subdistrict=AreaInput("510701", "บ้านธิ"),
            founded_on=dt.date(2009, 6, 1),
            conceptual_bases=["economics"],
            village_count=1,
        ),
        actor=None,
        today=dt.date(2026, 11, 25),
    )
    lead = get_user_model().objects.create_user(username="lead", password="x")
    study = study_create(title="ถอดบทเรียน (ทดสอบความเร็ว)", funds=[fund], lead=lead)
    rng = random.Random(SEED)
    texts = corpus(transcripts, chars, rng)
    total_chars = sum(len(t) for t in texts)
    groups = list(TargetGroup.values)
    started = time.perf_counter()
    with transaction.atomic():  # one commit: the set-up is not what is measured
        _save_all(study, fund, texts, groups)
    indexed = time.perf_counter() - started
    return study, total_chars, indexed


def _save_all(study, fund, texts, groups) -> None:
    from kongtun.aar.models import SessionKind
    from kongtun.aar.services import SessionInput, session_save, transcript_create

    session = None
    for i, text in enumerate(texts):
        if i % 20 == 0:
            session = session_save(
                study=study,
                data=SessionInput(
                    fund=fund,
                    kind=SessionKind.FOCUS_GROUP,
                    title=f"สนทนากลุ่ม {i // 20 + 1}",
                    target_group=groups[(i // 20) % len(groups)],
                    held_on=dt.date(2026, 1, 1) + dt.timedelta(days=i // 20),
                ),
            )
        transcript_create(session=session, text=text, title=f"ถอดเทป {i + 1}", synthetic=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--chars", type=int, default=5000)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)

    with scratch_sqlite() as url:
        django_setup(url)
        from kongtun.aar.models import Transcript
        from kongtun.aar.search import kwic_search, segment_scan

        study, total_chars, indexed = build(args.transcripts, args.chars)
        note(
            f"{args.transcripts} transcripts, {total_chars:,} characters; saving them with "
            f"their word index took {indexed:.1f} s ({indexed / args.transcripts * 1000:.0f} ms "
            "a transcript)"
        )
        kwic_search(study, WORD)  # warm-up: the dictionary and the database pages
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            result = kwic_search(study, WORD)
            runs.append(time.perf_counter() - started)
        ours = statistics.median(runs)

        started = time.perf_counter()
        texts = Transcript.objects.filter(session__study=study).values_list("pk", "text")
        scanned = segment_scan(texts.iterator(chunk_size=100), WORD)
        baseline = time.perf_counter() - started

        indexed_spans = {(h.transcript_id, h.start, h.end) for h in result.hits}
        agree = result.total == len(scanned) and indexed_spans <= set(scanned)
        note(
            f"'{WORD}': {result.total} occurrences in {result.transcripts} transcripts; "
            f"the baseline found {len(scanned)}; {'agree' if agree else 'DISAGREE'}"
        )
        bench_line(
            "aar_kwic_1k",
            ours,
            "s",
            "the same search segmenting every transcript with newmm at query time",
            baseline,
            digits=4,
            transcripts=args.transcripts,
            characters=total_chars,
            occurrences=result.total,
        )
        return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
