from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.home.demo import is_seeded, seed_demo
from vigil.org.demo import DEMO_PASSWORD, PERSONAS


class Command(BaseCommand):
    help = (
        "Seed data. 'vigil seed demo' builds the demo province (Quảng Ninh) through the services."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["demo"], metavar="demo")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Refusing to seed demo data with VIGIL_ENV=production.")
        if is_seeded():
            self.stdout.write("The database already holds data; nothing seeded.")
        else:
            seed_demo()
            self.stdout.write(self.style.SUCCESS("Demo province seeded."))
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for username, full_name, _clearance in PERSONAS:
            self.stdout.write(f"  {username:<11} {full_name}")
