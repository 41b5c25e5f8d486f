"""Task list and scorecard speed with 100,000 tasks: median and p95 for the standing
office (sees every task), a member agency's liaison (sees its own) and a commune's
standing office (sees its commune's and what is assigned to it), beside the
signed-in empty base layout in the same run.

    .venv/bin/python bench/bench_tasks.py [--tasks 100000] [--requests 40] [--scale 34]

``--scale N`` seeds the directory of N more provinces first (`vigil seed demo --scale`),
so that the scope's committees number in the thousands, as in a national deployment.

Seeds the demo into a fresh database per engine (SQLite, and PostgreSQL when the
local server answers), then bulk-inserts the tasks (a benchmark database: no audit
events for them), spread over the province's agencies, states and deadlines, and
requests each page through Django's full stack in-process. Goal (issue 13): list
p95 < 150 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(__file__))
from _setup import engines, fresh_database, percentile, run_child


def _bulk_tasks(count: int) -> None:
    from django.db import transaction

    from vigil.core import clock
    from vigil.org.models import Agency, Committee
    from vigil.work.models import Task

    rng = random.Random(13)
    # The demo province: the first one seeded (`--scale` adds others after it).
    province = Committee.objects.filter(level="province").earliest("pk")
    assert province.standing_agency is not None
    agencies = list(Agency.objects.filter(committee__path__startswith=province.path))
    states = ["assigned", "acknowledged", "in_progress", "done", "accepted", "cancelled"]
    today = clock.today()
    now = clock.now()
    batch: list[Task] = []
    with transaction.atomic():
        for n in range(count):
            assigned = today - dt.timedelta(days=rng.randint(0, 700))
            deadline = assigned + dt.timedelta(days=rng.randint(1, 60))
            state = rng.choice(states)
            done_on = (
                deadline + dt.timedelta(days=rng.randint(-10, 10))
                if state in ("done", "accepted")
                else None
            )
            batch.append(
                Task(
                    owning_committee=province,
                    owning_agency=province.standing_agency,
                    classification=rng.choice([0, 0, 0, 1]),
                    batch=uuid.uuid4(),
                    assignee=agencies[n % len(agencies)],
                    title=f"Nhiệm vụ thử {n}",
                    assigned_on=assigned,
                    deadline=deadline,
                    state=state,
                    done_on=max(done_on, assigned) if done_on else None,
                    days_late=(max(done_on, assigned) - deadline).days if done_on else None,
                    created_at=now,
                )
            )
            if len(batch) == 5000:
                Task.objects.bulk_create(batch)
                batch = []
        Task.objects.bulk_create(batch)


def child(count: int, requests: int, scale: int) -> None:
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
    _bulk_tasks(count)
    # Statistics and the visibility map, as autovacuum keeps them on PostgreSQL (and the
    # `work.statistics` sweep on SQLite): without them SQLite sorts every visible
    # task, and PostgreSQL reads the table behind an index that covers the query.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    seeded = time.perf_counter() - start

    from vigil.accounts.models import User
    from vigil.org.models import Committee
    from vigil.work.models import Task

    settings.ALLOWED_HOSTS = ["testserver"]
    pages = {
        "thuongtruc": {
            "empty base layout": "/bench/empty/",
            "task list (all)": "/work/tasks/?view=all",
            "task list (overdue)": "/work/tasks/?view=issued&overdue=on",
            "task list API": "/api/v1/tasks/",
            "scorecard": "/work/scorecard/",
        },
        "congthuong": {
            "empty base layout": "/bench/empty/",
            "task list (mine)": "/work/tasks/?view=mine",
            "task list API": "/api/v1/tasks/?mine=true",
            "scorecard": "/work/scorecard/",
        },
        # A commune's standing office: the province's tasks reach it as their assignee.
        "xa_a": {
            "empty base layout": "/bench/empty/",
            "scorecard": "/work/scorecard/",
        },
    }
    print(
        f"== {connection.vendor}: {Task.objects.count():,} tasks, "
        f"{Committee.objects.count():,} committees, seeded in {seeded:.1f} s; "
        f"{requests} requests per page"
    )
    with override_settings(ROOT_URLCONF="_bench_urls"):
        for username, urls in pages.items():
            client = Client()
            client.force_login(User.objects.get(username=username))
            results: dict[str, tuple[float, float]] = {}
            for name, url in urls.items():
                for _ in range(3):
                    assert client.get(url).status_code == 200, url
                times = []
                for _ in range(requests):
                    t0 = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - t0) * 1000)
                    assert response.status_code == 200
                results[name] = (statistics.median(times), percentile(times, 95))
            base = results["empty base layout"][1]
            print(f"  as {username}")
            for name, (median, p95) in results.items():
                verdict = "" if name == "empty base layout" else (
                    "  ok" if p95 < 150 else "  ABOVE GOAL"
                )  # fmt: skip
                print(f"    {name:<20} median {median:7.1f} ms  p95 {p95:7.1f} ms  "
                      f"p95/empty {p95 / base:5.1f}x{verdict}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--scale", type=int, default=0, metavar="N")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.tasks, args.requests, args.scale)
        return
    for engine in engines():
        env = fresh_database(engine, os.environ.get("BENCH_DB_NAME", "tasks"))
        env["PYTHONPATH"] = os.path.dirname(os.path.abspath(__file__))
        run_child(__file__, env, "--tasks", str(args.tasks), "--requests", str(args.requests),
                  "--scale", str(args.scale))  # fmt: skip


if __name__ == "__main__":
    main()
