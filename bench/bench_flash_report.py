"""The flash report (issue 24): from a verified incident to the .docx sent up the tree.

Seeds the demo into a fresh database per engine (SQLite, and PostgreSQL when the
local server answers), makes one verified incident in commune A (with the model:
forces, measures, counts, five agencies involved), then times N runs of what the
standing office's one action costs, as ``xa_a``:

- issue: ``issue_flash_report`` (permission, the register's next number, the frozen
  content, the notification, the audit event) — one durable transaction;
- .docx: the Decree 30 document built from the frozen content;
- issue + .docx: the two together, incident → file (the issue's goal);
- edXML: the package with the .docx attached (the audited export).

Prints the median and p95 of each. Goal (issue 24): incident → .docx under 1 s.

    .venv/bin/python bench/bench_flash_report.py [--runs 30] [--sqlite-only]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vigil.situation.incidents.models import FlashReport, Incident

sys.path.insert(0, os.path.dirname(__file__))
from _setup import engines, fresh_database, percentile, run_child

GOAL_MS = 1000.0


def _incident() -> Incident:
    from vigil.core import clock
    from vigil.org.models import Agency
    from vigil.situation.incidents.models import (
        Incident,
        IncidentEvent,
        IncidentState,
        IncidentType,
    )

    police = Agency.objects.get(name="Công an đặc khu Vân Đồn")
    assert police.committee is not None
    now = clock.now()
    incident = Incident.objects.create(
        owning_committee=police.committee,
        owning_agency=police, classification=0,
        title="Đe dọa đánh bom tại cảng hàng không quốc tế Vân Đồn",
        type=IncidentType.BOMB_THREAT,
        description="\n".join(f"Diễn biến {n}: lực lượng tại chỗ kiểm tra khu vực {n}." for n in
                              range(1, 16)),
        occurred_at=now - dt.timedelta(minutes=50), reported_at=now - dt.timedelta(minutes=45),
        place="Nhà ga hành khách T1", reporting_agency=police, state=IncidentState.VERIFIED,
        injured=3, evacuated=1200, forces="Công an đặc khu: 60 cán bộ\nĐội xử lý bom mìn\n"
        "Lực lượng bảo vệ cảng hàng không", measures="Sơ tán hành khách\nPhong tỏa bán kính "
        "300 m\nKiểm tra hành lý ký gửi", verified_at=now,
    )  # fmt: skip
    incident.involved_agencies.set(Agency.objects.filter(committee=police.committee)[:5])
    for frm, to in (("", IncidentState.REPORTED), (IncidentState.REPORTED, IncidentState.VERIFIED)):
        IncidentEvent.objects.create(incident=incident, from_state=frm, to_state=to, at=now,
                                     actor_label="bench")  # fmt: skip
    return incident


def _timed(runs: int, fn: Callable[[], object]) -> tuple[float, float]:
    fn()  # warm up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), percentile(times, 95)


def child(runs: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("seed", "demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    seeded = time.perf_counter() - start
    from vigil.accounts.models import User
    from vigil.situation.flash import documents, services

    incident = _incident()
    actor = User.objects.get(username="xa_a")

    def issue() -> FlashReport:
        return services.issue_flash_report(
            incident, actor=actor, urgency_mark="hoa_toc", signing_form="KT.",
            signer_title="Phó Trưởng ban Thường trực", signer_name="Trần Văn Bình",
        )  # fmt: skip

    report = issue()
    results = {
        "issue": _timed(runs, issue),
        ".docx": _timed(runs, lambda: documents.docx_bytes(report)),
        "issue + .docx": _timed(runs, lambda: documents.docx_bytes(issue())),
        "edXML": _timed(runs, lambda: services.export_edxml(report, actor=actor)),
    }
    print(f"== {connection.vendor}: demo seeded in {seeded:.1f} s; {runs} runs each, as xa_a")
    for name, (median, p95) in results.items():
        verdict = ""
        if name == "issue + .docx":
            verdict = "  ok" if p95 < GOAL_MS else "  ABOVE GOAL"
        print(f"    {name:<14} median {median:7.1f} ms  p95 {p95:7.1f} ms{verdict}")
    print(f"    (goal: incident → .docx under {GOAL_MS:.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.runs)
        return
    for engine in ["sqlite"] if args.sqlite_only else engines():
        env = fresh_database(engine, os.environ.get("BENCH_DB_NAME", "flash"))
        env["PYTHONPATH"] = os.path.dirname(os.path.abspath(__file__))
        run_child(__file__, env, "--runs", str(args.runs))


if __name__ == "__main__":
    main()
