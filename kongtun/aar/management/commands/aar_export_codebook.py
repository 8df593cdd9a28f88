"""``manage.py aar_export_codebook STUDY_ID -o FILE.qdc``: the study's codebook (REFI-QDA)."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kongtun.aar.models import Study
from kongtun.aar.qda import codebook_export_qdc


class Command(BaseCommand):
    help = "Write a study's codebook as a REFI-QDA 1.0 codebook file (.qdc)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("study_id", type=int)
        parser.add_argument("-o", "--output", required=True, help="the .qdc file to write")

    def handle(self, *args: object, study_id: int, output: str, **options: object) -> None:
        study = Study.objects.filter(pk=study_id).first()
        if study is None:
            raise CommandError(f"No study {study_id}.")
        try:
            data = codebook_export_qdc(study=study)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        Path(output).write_bytes(data)
        self.stdout.write(f"{output}: {len(data):,} bytes (REFI-QDA 1.0 codebook, schema-checked)")
