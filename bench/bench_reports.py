"""The annual summary at ten-year volume (issue 27): drafting it and its .docx.

Seeds the demo into a fresh database per engine (SQLite, and PostgreSQL when the local
server answers: ``vigil_bench_docs``, or BENCH_DB_NAME), then bulk-inserts ten years
of a province (a benchmark database: bulk rows, no services, no audit entries, as the
other benches do), reusing their seeding where they have one:

- tasks (``bench_tasks._bulk_tasks``), key sites with plans and versions
  (``bench_sites._bulk_sites``), this year's exercises, findings, corrective actions
  and trainings (``bench_exercises.bulk_year``), ledger entries over each of the ten
  years (``bench_ledger_figures.load``);
- and, copied from the demo's own rows with their dates spread over the ten years:
  issued documents, meetings, incidents, alerts, and monthly report periods of the
  demo's first obligation with every unit's submission.

Then, as the standing office (``thuongtruc``, who sees it all), times ``draft_report``
for this year's annual summary (whatever ``compute_sections`` does: the sections not
built yet are stubs and cost nothing; the figures grow as they land), with the time of
each section, and ``docx_bytes`` of the draft (charts drawn afresh each run), the .xlsx and the chart
PNGs, and prints the figures.

Goals (issue 27): the draft under 5 s, the .docx under 2 s, on both engines.

    .venv/bin/python bench/bench_reports.py [--tasks 30000] [--documents 4000]
        [--meetings 600] [--incidents 1500] [--alerts 1000] [--sites 2000]
        [--ledger-per-year 20000] [--runs 3] [--sqlite-only]
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import itertools
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))
from _setup import engines, fresh_database, run_child

BATCH = 2000
YEARS = 10


def _copies(
    model: Any, count: int, change: Callable[[Any, int, random.Random], None], **among: Any
) -> int:
    """``count`` copies of the model's demo rows (``among`` filters them), each changed
    by ``change(row, n, rng)`` (its dates, its unique fields); returns how many."""
    from django.db.models.base import ModelState

    protos = list(model.objects.filter(**among).order_by("pk")[:50])
    if not protos or count <= 0:
        return 0
    rng = random.Random(27)
    rows = []
    for n in range(count):
        row = copy.copy(protos[n % len(protos)])
        row.pk = None
        row._state = ModelState()
        change(row, n, rng)
        rows.append(row)
    model.objects.bulk_create(rows, batch_size=BATCH)
    return count


def _moment(rng: random.Random, now: dt.datetime) -> dt.datetime:
    """A moment of the last ten years."""
    return now - dt.timedelta(days=rng.randint(0, 365 * YEARS), minutes=rng.randint(0, 1439))


def bulk_decade(documents: int, meetings: int, incidents: int, alerts: int) -> dict[str, int]:
    """The documents, meetings, incidents, alerts and report periods of ten years."""
    from django.db import transaction

    from vigil.core import clock
    from vigil.situation.alerts.models import Alert
    from vigil.situation.incidents.models import Incident
    from vigil.work.documents.models import IssuedDocument
    from vigil.work.obligations.models import ReportObligation, ReportPeriod, ReportSubmission
    from vigil.work.records.models import Meeting

    now = clock.now()
    made: dict[str, int] = {}

    def document(row: Any, n: int, rng: random.Random) -> None:
        at = _moment(rng, now)
        row.number = 1000 + n
        row.symbol = f"{1000 + n}/{row.symbol.partition('/')[2] or 'CV-BCĐ'}"
        row.issue_date, row.issued_at = at.date(), at

    def meeting(row: Any, n: int, rng: random.Random) -> None:
        at = _moment(rng, now)
        row.held_on, row.created_at, row.notice = at.date(), at, None
        row.reviews_year = None  # a committee reviews a year at one conference only
        row.title = f"Hội nghị thử {n}"

    def incident(row: Any, n: int, rng: random.Random) -> None:
        at = _moment(rng, now)
        row.occurred_at, row.reported_at = at, at + dt.timedelta(minutes=rng.randint(5, 90))
        row.verified_at = row.reported_at + dt.timedelta(hours=1) if row.verified_at else None
        row.closed_at = row.reported_at + dt.timedelta(days=2) if row.closed_at else None
        row.title = f"Vụ việc thử {n}"

    def alert(row: Any, n: int, rng: random.Random) -> None:
        at = _moment(rng, now)
        row.identifier = f"bench-reports-{n}"
        row.msg_type, row.references = "Alert", None
        row.drafted_at = at
        row.sent_at = at + dt.timedelta(minutes=10) if row.sent_at else None
        row.ack_due_at = at + dt.timedelta(hours=2) if row.ack_due_at else None
        row.expires_at = at + dt.timedelta(days=1) if row.expires_at else None

    with transaction.atomic():
        made["issued documents"] = _copies(IssuedDocument, documents, document)
        made["meetings"] = _copies(Meeting, meetings, meeting)
        made["incidents"] = _copies(Incident, incidents, incident)
        made["alerts"] = _copies(Alert, alerts, alert)
        made["report periods"] = made["report submissions"] = 0
        obligation = ReportObligation.objects.order_by("pk").first()
        first = ReportPeriod.objects.filter(obligation=obligation).order_by("starts_on").first()
        if obligation is None or first is None:
            return made
        units = list(ReportSubmission.objects.filter(period=first))
        taken = set(
            ReportPeriod.objects.filter(obligation=obligation).values_list("starts_on", flat=True)
        )
        periods = []
        year, month = first.starts_on.year, first.starts_on.month
        for _n in range(12 * YEARS):
            month -= 1
            if month == 0:
                year, month = year - 1, 12
            start = dt.date(year, month, 1)
            end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            if start in taken:
                continue
            periods.append(ReportPeriod(
                obligation=obligation, template=first.template, starts_on=start, ends_on=end,
                due_on=end + dt.timedelta(days=5),
                opened_at=dt.datetime.combine(start, dt.time(8), tzinfo=now.tzinfo),
            ))  # fmt: skip
        periods = ReportPeriod.objects.bulk_create(periods, batch_size=BATCH)
        made["report periods"] = len(periods)
        submissions = []
        for period in periods:
            for unit in units:
                row = copy.copy(unit)
                row.pk = None
                row._state = type(unit._state)()
                row.period, row.due_on = period, period.due_on
                done = dt.datetime.combine(period.due_on, dt.time(9), tzinfo=now.tzinfo)
                for field in ("saved_at", "submitted_at", "accepted_at"):
                    if getattr(row, field) is not None:
                        setattr(row, field, done)
                submissions.append(row)
        ReportSubmission.objects.bulk_create(submissions, batch_size=BATCH)
        made["report submissions"] = len(submissions)
    return made


def seed(args: argparse.Namespace) -> dict[str, int]:
    from bench_exercises import bulk_year
    from bench_ledger_figures import load
    from bench_sites import _bulk_sites
    from bench_tasks import _bulk_tasks

    from vigil.core import clock

    _bulk_tasks(args.tasks)
    _bulk_sites(args.sites, args.sites * 3)
    bulk_year(200, 2000, 5000, 500)
    this_year = clock.today().year
    for year in range(this_year - YEARS + 1, this_year + 1):
        load(args.ledger_per_year, year)
    return bulk_decade(args.documents, args.meetings, args.incidents, args.alerts)


def child(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("seed", "demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    made = seed(args)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    seeded = time.perf_counter() - start

    from vigil.accounts.models import User
    from vigil.controlled.models import LedgerEntry
    from vigil.core import clock
    from vigil.exercises.models import Exercise
    from vigil.org.models import Committee
    from vigil.reports import charts as charts_module
    from vigil.reports.charts import chart_png
    from vigil.reports.models import ReportKind, SummaryReport
    from vigil.reports.sections.base import SectionContent
    from vigil.reports.summaries.documents import docx_bytes
    from vigil.reports.summaries.exports import xlsx_bytes
    from vigil.reports.summaries.services import draft_report
    from vigil.sites.models import KeySite
    from vigil.work.models import Task

    counts = {
        "tasks": Task.objects.count(), "key sites": KeySite.objects.count(),
        "exercises": Exercise.objects.count(), "ledger entries": LedgerEntry.objects.count(),
        **made,
    }  # fmt: skip
    print(f"== {connection.vendor}: seeded in {seeded:.0f} s: "
          + ", ".join(f"{v:,} {k}" for k, v in counts.items()))  # fmt: skip
    province = Committee.objects.filter(level="province").earliest("pk")
    office = User.objects.get(username="thuongtruc")
    year = clock.today().year
    drafts: list[float] = []
    sections: dict[str, list[float]] = {}
    report: Any = None
    marks: list[tuple[float, str]] = []

    def mark(_done: int, _total: int, title: str) -> None:
        marks.append((time.perf_counter(), title))

    for _ in range(args.runs):
        SummaryReport.objects.filter(owning_committee=province, year=year).delete()
        marks.clear()
        t0 = time.perf_counter()
        report = draft_report(province, ReportKind.ANNUAL, year, actor=office, progress=mark)
        drafts.append(time.perf_counter() - t0)
        for (at, title), (after, _next) in itertools.pairwise(marks):
            sections.setdefault(title, []).append(after - at)
    assert report is not None
    docx: list[float] = []
    size = 0
    for _ in range(args.runs):
        charts_module._drawn.cache_clear()  # timed as built the first time: charts drawn
        t0 = time.perf_counter()
        size = len(docx_bytes(report))
        docx.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    book = xlsx_bytes(report)
    xlsx = time.perf_counter() - t0
    charts = [c for s in report.sections.all() for c in SectionContent.from_json(s.content).charts]
    charts_module._drawn.cache_clear()
    t0 = time.perf_counter()
    for chart in charts:
        chart_png(chart)
    png = (time.perf_counter() - t0) / max(1, len(charts))

    def line(name: str, values: list[float], goal: float) -> None:
        verdict = "ok" if max(values) < goal else "ABOVE GOAL"
        print(f"    {name:<34} median {statistics.median(values) * 1000:7.0f} ms  max "
              f"{max(values) * 1000:7.0f} ms  (goal < {goal:.0f} s)  {verdict}")  # fmt: skip

    line(f"draft_report (annual {year})", drafts, 5)
    for title, values in sections.items():
        print(f"      {title[:60]:<60} {statistics.median(values) * 1000:7.0f} ms")
    line("docx_bytes (draft)", docx, 2)
    print(f"    .docx {size / 1024:.0f} kB, {len(charts)} charts ({png * 1000:.0f} ms a PNG); "
          f".xlsx {len(book) / 1024:.0f} kB in {xlsx * 1000:.0f} ms; {args.runs} runs")  # fmt: skip
    print(f"    load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=30_000)
    parser.add_argument("--documents", type=int, default=4000)
    parser.add_argument("--meetings", type=int, default=600)
    parser.add_argument("--incidents", type=int, default=1500)
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--sites", type=int, default=2000)
    parser.add_argument("--ledger-per-year", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    for engine in ["sqlite"] if args.sqlite_only else engines():
        env = fresh_database(engine, os.environ.get("BENCH_DB_NAME", "docs"))
        env["PYTHONPATH"] = os.path.dirname(os.path.abspath(__file__))
        run_child(__file__, env, *[
            f"--{k.replace('_', '-')}={v}" for k, v in vars(args).items()
            if k not in ("child", "sqlite_only")
        ])  # fmt: skip


if __name__ == "__main__":
    main()
