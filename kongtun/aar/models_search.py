"""The keyword-in-context index of transcripts (decision 0023): Thai is written without spaces
between words, so a database's own full-text search (SQLite FTS5's tokenizers, PostgreSQL's
parsers) cannot find "โปร่งใส" inside "ความโปร่งใสของกรรมการ". The words are cut with
PyThaiNLP (newmm) once, when a transcript is saved, and kept here with their offsets; a search
is then one indexed lookup on (study, word), on SQLite and PostgreSQL alike."""

from __future__ import annotations

from django.db import models
from django.db.models.signals import post_save


class TranscriptWord(models.Model):
    """One distinct word of one transcript and every offset where it starts in the text
    (``positions``: ascending code-point offsets, comma-separated). A compound the dictionary
    holds as one word (``มีส่วนร่วม``) also lists its longer parts (``ส่วนร่วม``)."""

    transcript = models.ForeignKey("aar.Transcript", on_delete=models.CASCADE, related_name="words")
    #: Copied from the transcript's session so that a search is one index lookup.
    study = models.ForeignKey("aar.Study", on_delete=models.CASCADE, related_name="+")
    word = models.CharField(max_length=100)
    positions = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["transcript", "word"], name="aar_word_unique")
        ]
        indexes = [models.Index(fields=["study", "word"], name="aar_word_study_word")]

    def __str__(self) -> str:
        return self.word

    @property
    def offsets(self) -> list[int]:
        return [int(p) for p in self.positions.split(",") if p]


def _reindex(sender: type, instance: models.Model, update_fields: frozenset | None, **_: object):
    """Keep the index with the text, in the same transaction as the save."""
    if update_fields is not None and "text" not in update_fields:
        return
    from kongtun.aar.search import transcript_index

    transcript_index(transcript=instance)


post_save.connect(_reindex, sender="aar.Transcript", dispatch_uid="aar_transcript_reindex")
