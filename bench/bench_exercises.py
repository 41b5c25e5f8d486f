"""Trainings and exercises at volume (issue 26): the statistics page of a province-year
and the after-action report.

Seeds the demo into a fresh database per engine (SQLite, and PostgreSQL when the
local server answers), then bulk-inserts one province-year (a benchmark database:
bulk rows, no services, no audit entries, as bench_sites.py does): ``--exercises``
exercises of this year over the province and its communes (every type and status,
a few cancelled), each with participating agencies, objectives and the plans it
tested; ``--findings`` findings; ``--actions`` corrective actions, each with its task
(open, overdue, done, accepted or cancelled); ``--sites`` key sites with a plan each,
some exercised in the last 12 months; a hundred trainings with their audiences.
Prints, as the standing office (``thuongtruc``, who sees them all), the median and p95
of the figures page (this year, and the province's committee), its .xlsx and its API
beside the signed-in empty page in the same run; then the time to build the
after-action report (``evaluation.documents.after_action_docx``) of an exercise with
25 findings and 60 corrective actions ("not built" while that function is missing).

Goals (issue 26): the page's p95 under 150 ms on both engines, beside the empty page;
the after-action .docx under 2 s.

    .venv/bin/python bench/bench_exercises.py [--exercises 200] [--findings 2000]
        [--actions 5000] [--sites 1000] [--requests 30] [--sqlite-only]
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
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))
from _setup import engines, fresh_database, percentile, run_child

BATCH = 2000


def _bulk_sites(count: int, rng: random.Random) -> list[Any]:
    """``count`` key sites of the province with one plan each, half of them exercised
    at some time in the last two years; returns the plans."""
    from vigil.core import clock
    from vigil.org.models import Committee
    from vigil.sites.models import KeySite, Plan, SiteCategory

    province = Committee.objects.filter(level="province").earliest("pk")
    agency = province.standing_agency
    categories = list(SiteCategory.objects.all())
    today, now = clock.today(), clock.now()
    sites = KeySite.objects.bulk_create(
        (KeySite(owning_committee=province, owning_agency=agency, classification=0,
                 name=f"Mục tiêu diễn tập {n:05d}", name_folded=f"muc tieu dien tap {n:05d}",
                 category=rng.choice(categories), responsible_agency=agency,
                 criticality=rng.randint(1, 5), created_at=now)
         for n in range(count)),
        batch_size=BATCH,
    )  # fmt: skip
    plans = Plan.objects.bulk_create(
        (Plan(owning_committee=province, owning_agency=agency, classification=0,
              code_name=f"KB-DT {n:05d}", created_at=now,
              last_exercised_on=today - dt.timedelta(days=rng.randint(0, 730))
              if rng.random() < 0.5 else None)
         for n in range(count)),
        batch_size=BATCH,
    )  # fmt: skip
    Plan.sites.through.objects.bulk_create(
        (Plan.sites.through(plan_id=p.pk, keysite_id=s.pk)
         for p, s in zip(plans, sites, strict=True)),
        batch_size=BATCH,
    )  # fmt: skip
    return plans


def _task(committee: Any, assignee: Any, assigned: dt.date, due: dt.date, state: str,
          done_on: dt.date | None, now: dt.datetime) -> Any:  # fmt: skip
    from vigil.work.tasks.models import Task

    return Task(
        owning_committee=committee, owning_agency=committee.standing_agency, classification=0,
        batch=uuid.uuid4(), assignee=assignee, title="Khắc phục tồn tại sau diễn tập",
        assigned_on=assigned, deadline=due, state=state, done_on=done_on,
        days_late=(done_on - due).days if done_on else None, evidence_required=True,
        created_at=now,
    )  # fmt: skip


def bulk_year(exercises: int, findings: int, actions: int, sites: int) -> None:
    """One province-year of exercises, findings and corrective actions (see the module)."""
    from django.db import transaction

    from vigil.core import clock
    from vigil.exercises.models import (
        Capability,
        CorrectiveAction,
        Exercise,
        ExerciseStatus,
        ExerciseType,
        Finding,
        Objective,
        Participant,
        Training,
        TrainingAudience,
    )
    from vigil.org.models import Agency, Committee
    from vigil.sites.models import PlanVersion, VersionStatus
    from vigil.work.tasks.models import Task

    rng = random.Random(26)
    today, now = clock.today(), clock.now()
    first = today.replace(month=1, day=1)
    span = (today - first).days
    province = Committee.objects.filter(level="province").earliest("pk")
    committees = list(Committee.objects.filter(path__startswith=province.path))
    by_pk = {c.pk: c for c in committees}
    agencies: dict[int, list[Any]] = {
        c.pk: list(Agency.objects.filter(committee=c)) or [c.standing_agency] for c in committees
    }
    with transaction.atomic():
        plans = _bulk_sites(sites, rng)
        made: list[Exercise] = []
        for n in range(exercises):
            committee = province if n % 3 else rng.choice(committees)
            day = first + dt.timedelta(days=rng.randint(0, span))
            status = rng.choice([ExerciseStatus.CONDUCTED, ExerciseStatus.EVALUATED,
                                 ExerciseStatus.CLOSED, ExerciseStatus.CLOSED,
                                 ExerciseStatus.PLANNED, ExerciseStatus.CANCELLED])  # fmt: skip
            made.append(Exercise(
                owning_committee=committee, owning_agency=committee.standing_agency,
                classification=0, type=rng.choice(ExerciseType.values),
                name=f"Diễn tập thử {n:04d}", starts_on=day, ends_on=day, status=status,
                conducted_on=None if status in ("planned", "cancelled") else day,
                created_at=now,
            ))  # fmt: skip
        made = Exercise.objects.bulk_create(made, batch_size=BATCH)
        Participant.objects.bulk_create(
            (Participant(exercise=e, agency=a, people=rng.randint(5, 60),
                         equipment=rng.randint(0, 8))
             for e in made
             for a in rng.sample(agencies[e.owning_committee_id],
                                 min(5, len(agencies[e.owning_committee_id])))),
            batch_size=BATCH,
        )  # fmt: skip
        Objective.objects.bulk_create(
            (Objective(exercise=e, number=k, text=f"Mục tiêu {k}", capability=rng.choice(
                Capability.values)) for e in made for k in (1, 2, 3)),
            batch_size=BATCH,
        )  # fmt: skip
        Exercise.plans.through.objects.bulk_create(
            (Exercise.plans.through(exercise_id=e.pk, plan_id=p.pk)
             for e in made for p in rng.sample(plans, 2)),
            batch_size=BATCH,
        )  # fmt: skip
        held = [e for e in made if e.status not in ("planned", "cancelled")]
        rows = []
        for n in range(findings):
            e = held[n % len(held)]
            revise = n % 10 == 0
            rows.append(Finding(
                exercise=e, kind="improvement" if n % 4 else "strength",
                text=f"Tồn tại {n}", plan=rng.choice(plans) if revise or n % 3 == 0 else None,
                requires_revision=revise and n % 4 != 0,
                created_at=now - dt.timedelta(days=max(0, (today - e.starts_on).days - 1)),
            ))  # fmt: skip
        made_findings = Finding.objects.bulk_create(rows, batch_size=BATCH)
        # Half the plans a finding sent back for revision have a new version approved.
        revised: list[int] = sorted(
            {f.plan_id for f in made_findings if f.requires_revision and f.plan_id}
        )[::2]
        PlanVersion.objects.bulk_create(
            PlanVersion(plan_id=pk, number=1, status=VersionStatus.APPROVED, approved_on=today,
                        decision_number="1/QĐ-BCĐ", situation="Sửa đổi sau diễn tập.",
                        author_label="bench", created_at=now)
            for pk in revised
        )  # fmt: skip
        improvements = [f for f in made_findings if f.kind == "improvement"]
        tasks, links = [], []
        for n in range(actions):
            f = improvements[n % len(improvements)]
            committee = by_pk[f.exercise.owning_committee_id]
            assigned = f.created_at.date()
            due = assigned + dt.timedelta(days=rng.randint(15, 120))
            roll = rng.random()
            state, done_on = Task.State.IN_PROGRESS, None
            if roll < 0.45:
                state = Task.State.DONE if roll < 0.3 else Task.State.ACCEPTED
                done_on = min(today, assigned + dt.timedelta(days=rng.randint(1, 150)))
            elif roll < 0.5:
                state = Task.State.CANCELLED
            elif roll < 0.6:
                state = Task.State.ASSIGNED
            tasks.append(_task(committee, rng.choice(agencies[committee.pk]), assigned, due,
                               state, done_on, now))  # fmt: skip
            links.append(f)
        tasks = Task.objects.bulk_create(tasks, batch_size=BATCH)
        CorrectiveAction.objects.bulk_create(
            (CorrectiveAction(exercise_id=f.exercise_id, finding=f, task=t, plan=f.plan,
                              created_at=now)
             for f, t in zip(links, tasks, strict=True)),
            batch_size=BATCH,
        )  # fmt: skip
        trainings = Training.objects.bulk_create(
            (Training(owning_committee=province, owning_agency=province.standing_agency,
                      classification=0, topic=f"Tập huấn thử {n}",
                      starts_on=first + dt.timedelta(days=n % (span + 1)),
                      ends_on=first + dt.timedelta(days=n % (span + 1)),
                      status="held" if n % 5 else "planned", created_at=now)
             for n in range(100)),
            batch_size=BATCH,
        )  # fmt: skip
        TrainingAudience.objects.bulk_create(
            (TrainingAudience(training=t, agency=a, participants=rng.randint(10, 80))
             for t in trainings for a in rng.sample(agencies[province.pk], 3)),
            batch_size=BATCH,
        )  # fmt: skip


def report_exercise() -> Any:
    """An evaluated exercise with 3 rated objectives, 25 findings and 60 corrective
    actions (with their tasks), for the after-action report."""
    from django.db import transaction

    from vigil.core import clock
    from vigil.exercises.models import CorrectiveAction, Exercise, Finding, Objective
    from vigil.org.models import Agency, Committee
    from vigil.work.tasks.models import Task

    today, now = clock.today(), clock.now()
    province = Committee.objects.filter(level="province").earliest("pk")
    agencies = list(Agency.objects.filter(committee=province))
    day = today - dt.timedelta(days=30)
    standing: Any = province.standing_agency
    with transaction.atomic():
        exercise = Exercise.objects.create(
            owning_committee=province, owning_agency=standing, type="full_scale",
            name="Diễn tập tổng hợp (báo cáo thử)", scenario="Tình huống giả định " * 40,
            starts_on=day, ends_on=day, status="evaluated", conducted_on=day,
            evaluated_at=now, summary="Tóm tắt kết quả diễn tập. " * 30, created_at=now,
        )  # fmt: skip
        for k, rating in enumerate("PSM", start=1):
            Objective.objects.create(
                exercise=exercise, number=k, text=f"Mục tiêu {k} " * 8, capability="command",
                rating=rating, observations="Quan sát " * 20, rated_at=now,
            )  # fmt: skip
        findings = [
            Finding.objects.create(
                exercise=exercise,
                kind="strength" if n < 5 else "improvement",
                text=f"Nhận xét số {n} " * 6,
                created_at=now,
            )
            for n in range(25)
        ]
        improvements = findings[5:]
        tasks = Task.objects.bulk_create(
            _task(province, agencies[n % len(agencies)], day, day + dt.timedelta(days=60),
                  Task.State.ASSIGNED, None, now)
            for n in range(60)
        )  # fmt: skip
        CorrectiveAction.objects.bulk_create(
            CorrectiveAction(exercise=exercise, finding=improvements[n % len(improvements)],
                             task=t, capability="command", created_at=now)
            for n, t in enumerate(tasks)
        )  # fmt: skip
    return exercise


def time_docx(runs: int) -> str:
    import importlib

    try:
        module = importlib.import_module("vigil.exercises.evaluation.documents")
        after_action_docx = module.after_action_docx
    except (ImportError, AttributeError):
        return "not built (vigil.exercises.evaluation.documents.after_action_docx is missing)"
    exercise = report_exercise()
    times, size = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        size = len(after_action_docx(exercise))
        times.append(time.perf_counter() - t0)
    verdict = "ok" if max(times) < 2 else "ABOVE GOAL"
    return (f"median {statistics.median(times) * 1000:6.0f} ms, max {max(times) * 1000:6.0f} ms "
            f"over {runs} runs, {size / 1024:.0f} kB  {verdict}")  # fmt: skip


def cpu_seconds() -> float:
    """CPU time of this process and, on PostgreSQL, of its server backend (the same
    machine): what a request costs, whatever else the machine's cores are doing."""
    from django.db import connection

    spent = time.process_time()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            row = cursor.fetchone()
        with open(f"/proc/{row[0]}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        spent += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return spent


def child(exercises: int, findings: int, actions: int, sites: int, requests: int) -> None:
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
    call_command("seed", "demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    bulk_year(exercises, findings, actions, sites)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    seeded = time.perf_counter() - start

    from vigil.accounts.models import User
    from vigil.core import clock
    from vigil.exercises.figures.queries import exercise_figures
    from vigil.exercises.models import CorrectiveAction, Exercise, Finding
    from vigil.org.models import Committee

    settings.ALLOWED_HOSTS = ["testserver"]
    province = Committee.objects.filter(level="province").earliest("pk")
    pages = {
        "empty base layout": "/bench/empty/",
        "figures page": "/exercises/figures/",
        "figures, province": f"/exercises/figures/?committee={province.pk}",
        "figures .xlsx": "/exercises/figures/xlsx/",
        "figures API": "/api/v1/exercise-figures/",
    }
    print(
        f"== {connection.vendor}: {Exercise.objects.count():,} exercises, "
        f"{Finding.objects.count():,} findings, {CorrectiveAction.objects.count():,} corrective "
        f"actions, seeded in {seeded:.1f} s; {requests} requests per page, as thuongtruc"
    )
    viewer = User.objects.get(username="thuongtruc")
    client = Client()
    client.force_login(viewer)
    results: dict[str, tuple[float, float]] = {}
    cpus: dict[str, float] = {}
    with override_settings(ROOT_URLCONF="_bench_urls"):
        for name, url in pages.items():
            for _ in range(3):
                assert client.get(url).status_code == 200, url
            times, cpu = [], []
            for _ in range(requests):
                t0, c0 = time.perf_counter(), cpu_seconds()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                cpu.append((cpu_seconds() - c0) * 1000)
                assert response.status_code == 200
            results[name] = (statistics.median(times), percentile(times, 95))
            cpus[name] = statistics.median(cpu)
    base = results["empty base layout"][1]
    for name, (median, p95) in results.items():
        verdict = "" if name == "empty base layout" else (
            "  ok" if p95 < 150 else "  ABOVE GOAL"
        )  # fmt: skip
        print(f"    {name:<18} median {median:7.1f} ms  p95 {p95:7.1f} ms  "
              f"p95/empty {p95 / base:5.1f}x  CPU median {cpus[name]:6.1f} ms{verdict}")  # fmt: skip
    f = exercise_figures(viewer, clock.today().year)
    print(f"    figures: {f.exercises} exercises ({f.by_status['cancelled']} cancelled apart), "
          f"{f.participants:,} participants, {f.agencies} agencies, sites exercised "
          f"{f.sites_exercised}/{f.sites_total}, actions open {f.actions_open:,} (overdue "
          f"{f.actions_overdue:,}) closed {f.actions_closed:,}, median "
          f"{f.median_days_to_close} days, plans revised {f.plans_revised}/"
          f"{f.plans_revision_required}")  # fmt: skip
    print(
        f"    load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times "
        "grow with it; CPU times do not)"
    )
    print(f"    after-action .docx (25 findings, 60 actions): {time_docx(5)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--exercises", type=int, default=200)
    parser.add_argument("--findings", type=int, default=2000)
    parser.add_argument("--actions", type=int, default=5000)
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.exercises, args.findings, args.actions, args.sites, args.requests)
        return
    for engine in ["sqlite"] if args.sqlite_only else engines():
        env = fresh_database(engine, os.environ.get("BENCH_DB_NAME", "exercises"))
        env["PYTHONPATH"] = os.path.dirname(os.path.abspath(__file__))
        run_child(__file__, env, "--exercises", str(args.exercises), "--findings",
                  str(args.findings), "--actions", str(args.actions), "--sites", str(args.sites),
                  "--requests", str(args.requests))  # fmt: skip


if __name__ == "__main__":
    main()
