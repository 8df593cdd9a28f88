"""``manage.py aar_export STUDY_ID -o FILE.qdpx``: the study as a REFI-QDA 1.0 project."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kongtun.aar.models import Study
from kongtun.aar.qda import study_export_qdpx


class Command(BaseCommand):
    help = "Write a lessons-learned study as a REFI-QDA 1.0 project file (.qdpx)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("study_id", type=int)
        parser.add_argument("-o", "--output", required=True, help="the .qdpx file to write")

    def handle(self, *args: object, study_id: int, output: str, **options: object) -> None:
        study = Study.objects.filter(pk=study_id).first()
        if study is None:
            raise CommandError(f"No study {study_id}.")
        data = study_export_qdpx(study=study)
        Path(output).write_bytes(data)
        self.stdout.write(f"{output}: {len(data):,} bytes (REFI-QDA 1.0 project, schema-checked)")
