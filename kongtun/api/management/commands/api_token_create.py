from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kongtun.api.models import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print it once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args, username: str, name: str, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user {username!r}") from None
        self.stdout.write(api_token_create(user=user, name=name))
