"""``manage.py aar_import FILE [--study ID]``: a .qdpx or .qdc from a QDA tool into a study.

Without ``--study`` a new study is made for the file, over ``--fund`` (a fund id or short
code) and led by ``--user`` (a login name). The import is one transaction: a file refused
leaves nothing behind, and the reason is printed."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kongtun.aar.models import Study, TeamMember, TeamRole
from kongtun.aar.qda import qda_import
from kongtun.aar.services import study_create
from kongtun.funds.models import Fund


class Command(BaseCommand):
    help = "Import a REFI-QDA project (.qdpx) or codebook (.qdc) into a lessons-learned study."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--study", type=int, help="the study to import into")
        parser.add_argument("--fund", help="for a new study: the fund's id or short code")
        parser.add_argument(
            "--user", help="who imports (a login name); the study's lead when not given"
        )

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        User = get_user_model()
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No login {options['user']}.")
        try:
            with transaction.atomic():
                study = self._study(options, user)
                actor = user or self._lead(study)
                report = qda_import(
                    study=study, data=path.read_bytes(), filename=path.name, actor=actor
                )
        except ValidationError as error:
            raise CommandError(f"{path.name}: " + " ".join(error.messages)) from None
        self.stdout.write(f"study {report.study.pk}: {report.summary()}")
        for line in report.skipped:
            self.stdout.write(f"  - {line}")

    def _study(self, options: dict, user: object) -> Study:
        if options["study"]:
            study = Study.objects.filter(pk=options["study"]).first()
            if study is None:
                raise CommandError(f"No study {options['study']}.")
            return study
        if not options["fund"] or user is None:
            raise CommandError("A new study needs --fund (id or short code) and --user (its lead).")
        key = str(options["fund"])
        fund = Fund.objects.filter(short_code=key).first() or (
            Fund.objects.filter(pk=int(key)).first() if key.isdigit() else None
        )
        if fund is None:
            raise CommandError(f"No fund {key}.")
        return study_create(title=Path(str(options["file"])).stem, funds=[fund], lead=user)

    @staticmethod
    def _lead(study: Study) -> object:
        member = (
            TeamMember.objects.filter(study=study, role=TeamRole.LEAD, revoked_at__isnull=True)
            .select_related("user")
            .first()
        )
        if member is None:
            raise CommandError("The study has no lead: give --user.")
        return member.user
