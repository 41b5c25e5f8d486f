import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.home.demo import is_seeded, seed_demo
from vigil.org.demo import DEMO_PASSWORD, PERSONAS, seed_scale

MAX_SCALE = 340


class Command(BaseCommand):
    help = (
        "Seed data. 'vigil seed demo' builds the demo province (Quảng Ninh) through the services; "
        "'--scale N' adds N more provinces' worth of committees, agencies, users and contact "
        "points by a bulk path (for benchmarks; the audit chain stays whole)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["demo"], metavar="demo")
        parser.add_argument(
            "--scale", type=int, default=0, metavar="N", help="add N provinces (34: all)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Refusing to seed demo data with VIGIL_ENV=production.")
        scale: int = options["scale"]
        if not 0 <= scale <= MAX_SCALE:
            raise CommandError(f"--scale takes 0 to {MAX_SCALE} provinces.")
        if is_seeded():
            self.stdout.write("The database already holds the demo province; nothing seeded.")
        else:
            seed_demo()
            self.stdout.write(self.style.SUCCESS("Demo province seeded."))
        if scale:
            start = time.perf_counter()
            report = seed_scale(scale, password=DEMO_PASSWORD)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Scale: {report.provinces} provinces, {report.committees} committees, "
                    f"{report.agencies} agencies, {report.users} users, "
                    f"{report.contact_points} contact points "
                    f"in {time.perf_counter() - start:.1f} s."
                )
            )
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for username, full_name, _clearance in PERSONAS:
            self.stdout.write(f"  {username:<11} {full_name}")
