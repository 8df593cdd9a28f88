import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kongtun.api.models import api_token_create
from kongtun.api.views import end_of_day
from kongtun.core.thaidates import DateParseError, parse_date


class Command(BaseCommand):
    help = (
        "Create an API token for a user and print it once. --expires takes a number of days "
        "(90) or the last day it works (2027-03-31, or 31/3/2570 in the Buddhist Era)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")
        parser.add_argument("--expires", default=None, help="days (90) or the last valid day")

    def handle(self, *args, username: str, name: str, expires: str | None, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user {username!r}") from None
        expires_at = None
        if expires:
            from django.utils import timezone

            if expires.isdigit():
                if int(expires) < 1:
                    raise CommandError("--expires: at least 1 day")
                day = timezone.localdate() + dt.timedelta(days=int(expires) - 1)
            else:
                try:
                    day = parse_date(expires)
                except DateParseError:
                    raise CommandError(f"--expires: not a date or days: {expires!r}") from None
                if day < timezone.localdate():
                    raise CommandError("--expires: the day has already passed")
            expires_at = end_of_day(day)
        self.stdout.write(api_token_create(user=user, name=name, expires_at=expires_at))
