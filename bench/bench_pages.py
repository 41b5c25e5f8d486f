"""Page speed at scale: median and p95 of the main directory pages for one
signed-in user, beside the signed-in empty base layout in the same run.

    .venv/bin/python bench/bench_pages.py [--scale 34] [--requests 60]

Seeds the demo plus ``--scale`` provinces into a fresh database per engine
(SQLite, and PostgreSQL when the local server answers), then requests each page
through Django's full stack (middleware, scope, templates) in-process. Goal
(issue 10): p95 < 150 ms and < 5x the empty page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _setup import engines, fresh_database, percentile, run_child

USER = "thuongtruc"


def child(scale: int, requests: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("seed", "demo", "--scale", str(scale), stdout=open(os.devnull, "w"))  # noqa: SIM115
    seeded = time.perf_counter() - start

    from vigil.accounts.models import User
    from vigil.org.models import Agency, Committee

    settings.ALLOWED_HOSTS = ["testserver"]
    with override_settings(ROOT_URLCONF="_bench_urls"):
        client = Client()
        client.force_login(User.objects.get(username=USER))
        police = Agency.objects.get(name="Công an tỉnh Quảng Ninh")
        pages = {
            "empty base layout": "/bench/empty/",
            "home": "/",
            "committee tree": "/committees/",
            "agency list": "/agencies/",
            "agency detail": f"/agencies/{police.pk}/",
        }
        print(
            f"== {connection.vendor}: scale {scale} "
            f"({Committee.objects.count():,} committees, {Agency.objects.count():,} agencies) "
            f"seeded in {seeded:.1f} s; user {USER}; {requests} requests per page"
        )
        results: dict[str, tuple[float, float]] = {}
        for name, url in pages.items():
            for _ in range(3):  # warm caches and connections
                assert client.get(url).status_code == 200, url
            times = []
            for _ in range(requests):
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
            results[name] = (statistics.median(times), percentile(times, 95))
        base = results["empty base layout"][1]
        for name, (median, p95) in results.items():
            verdict = (
                ""
                if name == "empty base layout"
                else ("  ok" if p95 < 150 and p95 < 5 * base else "  ABOVE GOAL")
            )
            print(f"  {name:<18} median {median:7.1f} ms  p95 {p95:7.1f} ms  "
                  f"p95/empty {p95 / base:5.1f}x{verdict}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=34)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.scale, args.requests)
        return
    for engine in engines():
        env = fresh_database(engine, "pages")
        env["PYTHONPATH"] = os.path.dirname(os.path.abspath(__file__))
        run_child(__file__, env, "--scale", str(args.scale), "--requests", str(args.requests))


if __name__ == "__main__":
    main()
