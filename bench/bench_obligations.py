"""Report obligations at scale: 100 units, 12 monthly periods of a 40-indicator
obligation. Times opening each period through the service (one report task per
unit, notification and audit event included) and consolidating it once every
unit's report is accepted (the page's computation, then the .xlsx and .docx).

    .venv/bin/python bench/bench_obligations.py [--units 100] [--periods 12]

A fresh database per engine (SQLite, and PostgreSQL when the local server
answers). Goal (issue 13): a period opens and consolidates in under 1 second.
The reports' figures are written in bulk as set-up (not measured); the audit
chain is verified at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _setup import engines, fresh_database, run_child

INDICATORS = 40


def child(units: int, periods: int) -> None:
    import django

    django.setup()
    import datetime as dt
    import random

    from django.core.management import call_command
    from django.db import connection

    from vigil.core import audit
    from vigil.core.audit import SystemActor
    from vigil.core.xlsx import workbook_bytes
    from vigil.org import services as org
    from vigil.org.models import Agency, Committee
    from vigil.work.obligations import consolidation as cons
    from vigil.work.obligations import services
    from vigil.work.obligations.models import ReportSubmission, SubmissionState

    call_command("migrate", verbosity=0)
    call_command("seed", "demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    actor = SystemActor("bench")
    province = Committee.objects.get(level="province")
    agencies = [
        org.create_agency(
            name=f"Đơn vị đo {i:03d}", kind=Agency.Kind.DEPARTMENT, committee=province, actor=actor
        )
        for i in range(units)
    ]
    kinds = ["integer"] * 30 + ["decimal"] * 5 + ["yes_no"] * 3 + ["text"] * 2
    aggregation = {"integer": "sum", "decimal": "average", "yes_no": "count_yes",
                   "text": "concatenate"}  # fmt: skip
    specs = [
        services.IndicatorSpec(f"c{i:02d}", f"Chỉ tiêu {i:02d}", kind, aggregation[kind])
        for i, kind in enumerate(kinds)
    ]
    obligation = services.create_obligation(
        province, title="Báo cáo đo", period_kind="monthly", starts_on=dt.date(2025, 1, 1),
        agencies=agencies, indicators=specs,
        sections=[services.SectionSpec("situation", "Tình hình")], actor=actor,
    )  # fmt: skip
    rng = random.Random(13)

    def figures() -> dict[str, object]:
        values: dict[str, object] = {}
        for spec in specs:
            if spec.kind == "integer":
                values[spec.code] = rng.randint(0, 50)
            elif spec.kind == "decimal":
                values[spec.code] = f"{rng.uniform(0, 100):.2f}"
            elif spec.kind == "yes_no":
                values[spec.code] = rng.random() < 0.7
            else:
                values[spec.code] = "Ổn định."
        return values

    print(
        f"== {connection.vendor}: {units} units, {periods} monthly periods, {len(specs)} indicators"
    )
    opened, consolidated, xlsx, docx = [], [], [], []
    for month in range(1, periods + 1):
        day = dt.date(2025, month, 1)
        t0 = time.perf_counter()
        result = services.open_period(obligation, day=day, actor=actor)
        opened.append(time.perf_counter() - t0)
        assert result.created == units
        subs = list(ReportSubmission.objects.filter(period=result.period))
        for sub in subs:
            sub.values, sub.narrative = figures(), {"situation": "Ổn định."}
            sub.state = SubmissionState.ACCEPTED
        ReportSubmission.objects.bulk_update(subs, ["values", "narrative", "state"],
                                             batch_size=500)  # fmt: skip
        t0 = time.perf_counter()
        c = cons.consolidate(result.period)
        consolidated.append(time.perf_counter() - t0)
        assert c.accepted == units
        t0 = time.perf_counter()
        workbook_bytes(cons.xlsx_sheets(c))
        xlsx.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        cons.docx_bytes(c, date=dt.date(2025, month, 28))
        docx.append(time.perf_counter() - t0)

    def line(name: str, values: list[float], goal: bool = True) -> None:
        ms = [v * 1000 for v in values]
        worst = max(ms)
        verdict = ("ok" if worst < 1000 else "ABOVE GOAL") if goal else "(no goal set)"
        print(
            f"  {name:<28} median {statistics.median(ms):7.1f} ms  max {worst:7.1f} ms  {verdict}"
        )

    line("open a period (100 tasks)", opened)
    line("consolidate a period", consolidated)
    line(".xlsx of a consolidation", xlsx, goal=False)
    line(".docx of a consolidation", docx, goal=False)
    check = audit.verify()
    print(f"  audit chain: {'OK' if check.ok else 'BROKEN'} ({check.checked} events)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--periods", type=int, default=12)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.units, args.periods)
        return
    for engine in engines():
        env = fresh_database(engine, "obligations")
        run_child(__file__, env, "--units", str(args.units), "--periods", str(args.periods))


if __name__ == "__main__":
    main()
