"""The key sites at volume (issue 23): the site list, the map data and the risk register.

Seeds the demo into a fresh database per engine (SQLite, and PostgreSQL when the
local server answers), then bulk-inserts the sites, one plan per site with its
versions (superseded ones and the version in force, or a draft for a plan never
approved), and one risk assessment per site (a benchmark database: bulk rows, no
services, no audit entries, as bench_tasks.py does). The sites belong to the demo
province, spread over the demo's communes and over the province's map, with review
dates that give every freshness state. Prints, as the standing office
(`thuongtruc`, who sees them all), the median and p95 of the site list, the map
data endpoint and the risk register beside the signed-in empty page in the same
run, and the size of the map data, raw and gzipped.

Goals (issue 23): p95 under 150 ms and under 5x the empty page; the map data for
5,000 sites under 300 kB gzipped.

    .venv/bin/python bench/bench_sites.py [--sites 5000] [--versions 20000] [--requests 30]
        [--sqlite-only]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import os
import random
import statistics
import sys
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(__file__))
from _setup import engines, fresh_database, percentile, run_child

BATCH = 2000


def _bulk_sites(count: int, versions: int) -> None:
    """``count`` sites, one plan each, ``versions`` plan versions in all (at least one
    per plan), one assessment per site."""
    from django.db import transaction

    from vigil.core import clock
    from vigil.org.models import Committee
    from vigil.sites.models import (
        KeySite,
        Plan,
        PlanVersion,
        RiskAssessment,
        SiteCategory,
        VersionStatus,
    )

    rng = random.Random(23)
    province = Committee.objects.filter(level="province").earliest("pk")
    agency = province.standing_agency
    assert agency is not None
    categories = list(SiteCategory.objects.all())
    communes = list(KeySite.objects.exclude(commune=None).values_list("commune_id", flat=True))
    today, now = clock.today(), clock.now()
    per_plan = max(1, versions // count)
    with transaction.atomic():
        sites: list[KeySite] = []
        for n in range(count):
            site = KeySite(
                owning_committee=province, owning_agency=agency, classification=0,
                name=f"Mục tiêu thử {n:05d}", category=rng.choice(categories),
                responsible_agency=agency, commune_id=rng.choice(communes),
                address=f"Số {n} đường thử", criticality=rng.randint(1, 5),
                latitude=Decimal(f"{rng.uniform(20.7, 21.6):.6f}"),
                longitude=Decimal(f"{rng.uniform(106.5, 108.0):.6f}"), created_at=now,
            )  # fmt: skip
            site.name_folded = f"muc tieu thu {n:05d} so {n} duong thu"
            sites.append(site)
        sites = KeySite.objects.bulk_create(sites, batch_size=BATCH)
        plans = Plan.objects.bulk_create(
            (Plan(owning_committee=province, owning_agency=agency, classification=0,
                  code_name=f"KB-TH {n:05d}", created_at=now)
             for n in range(count)),
            batch_size=BATCH,
        )  # fmt: skip
        Plan.sites.through.objects.bulk_create(
            (Plan.sites.through(plan_id=p.pk, keysite_id=s.pk)
             for p, s in zip(plans, sites, strict=True)),
            batch_size=BATCH,
        )  # fmt: skip
        rows: list[PlanVersion] = []
        approved = set()
        for p in plans:
            ever_approved = rng.random() < 0.9
            for number in range(1, per_plan + 1):
                last = number == per_plan
                status = (
                    VersionStatus.DRAFT if not ever_approved and last
                    else VersionStatus.RETURNED if not ever_approved
                    else VersionStatus.APPROVED if last else VersionStatus.SUPERSEDED
                )  # fmt: skip
                decided = status in (VersionStatus.APPROVED, VersionStatus.SUPERSEDED)
                rows.append(PlanVersion(
                    plan=p, number=number, status=status, situation="Tình huống thử.",
                    author_label="bench", created_at=now,
                    decision_number=f"{number}/QĐ-BCĐ" if decided else "",
                    approved_on=today - dt.timedelta(days=400 * (per_plan - number)
                                                     + rng.randint(0, 400)) if decided else None,
                ))  # fmt: skip
            if ever_approved:
                approved.add(p.pk)
        PlanVersion.objects.bulk_create(rows, batch_size=BATCH)
        in_force = dict(
            PlanVersion.objects.filter(status=VersionStatus.APPROVED).values_list("plan_id", "pk")
        )
        for p in plans:
            if p.pk in approved:
                p.in_force_id = in_force[p.pk]
                p.next_review_on = today + dt.timedelta(days=rng.randint(-120, 365))
                p.revision_required = rng.random() < 0.03
        Plan.objects.bulk_update(plans, ["in_force", "next_review_on", "revision_required"],
                                 batch_size=BATCH)  # fmt: skip
        assessments = []
        for s in sites:
            t, v, c = rng.randint(1, 5), rng.randint(1, 5), rng.randint(1, 5)
            assessments.append(RiskAssessment(
                site=s, threat=t, vulnerability=v, consequence=c, risk=t * v * c,
                threat_rationale="Thử.", vulnerability_rationale="Thử.",
                consequence_rationale="Thử.", assessor_agency=agency,
                assessed_on=today - dt.timedelta(days=rng.randint(0, 700)),
                author_label="bench", created_at=now,
            ))  # fmt: skip
        RiskAssessment.objects.bulk_create(assessments, batch_size=BATCH)


def child(count: int, versions: int, requests: int) -> None:
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
    _bulk_sites(count, versions)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    seeded = time.perf_counter() - start

    from vigil.accounts.models import User
    from vigil.sites.models import KeySite, PlanVersion

    settings.ALLOWED_HOSTS = ["testserver"]
    pages = {
        "empty base layout": "/bench/empty/",
        "site list": "/sites/",
        "map data": "/api/v1/sites/map/",
        "risk register": "/sites/risks/",
    }
    print(
        f"== {connection.vendor}: {KeySite.objects.count():,} sites, "
        f"{PlanVersion.objects.count():,} plan versions, seeded in {seeded:.1f} s; "
        f"{requests} requests per page, as thuongtruc"
    )
    client = Client()
    client.force_login(User.objects.get(username="thuongtruc"))
    results: dict[str, tuple[float, float]] = {}
    with override_settings(ROOT_URLCONF="_bench_urls"):
        for name, url in pages.items():
            for _ in range(3):
                assert client.get(url).status_code == 200, url
            times = []
            for _ in range(requests):
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200
            results[name] = (statistics.median(times), percentile(times, 95))
        body = client.get(pages["map data"]).content
        # The register's two halves apart: the matrix's one query, and the ranked page.
        from vigil.sites import queries

        viewer = User.objects.get(username="thuongtruc")
        times = []
        for _ in range(requests):
            t0 = time.perf_counter()
            queries.risk_matrix(viewer)
            times.append((time.perf_counter() - t0) * 1000)
        matrix = (statistics.median(times), percentile(times, 95))
    base = results["empty base layout"][1]
    for name, (median, p95) in results.items():
        verdict = "" if name == "empty base layout" else (
            "  ok" if p95 < 150 and p95 < 5 * base else "  ABOVE GOAL"
        )  # fmt: skip
        print(f"    {name:<18} median {median:7.1f} ms  p95 {p95:7.1f} ms  "
              f"p95/empty {p95 / base:5.1f}x{verdict}")  # fmt: skip
    print(f"    (risk_matrix()     median {matrix[0]:7.1f} ms  p95 {matrix[1]:7.1f} ms, "
          "inside the risk register)")  # fmt: skip
    packed = len(gzip.compress(body))
    per_5000 = packed * 5000 / max(1, KeySite.objects.count())
    print(f"    map data           {len(body) / 1024:7.1f} kB raw  {packed / 1024:7.1f} kB gzipped "
          f"(~{per_5000 / 1024:.0f} kB per 5,000 sites; goal under 300 kB)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=5000)
    parser.add_argument("--versions", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.sites, args.versions, args.requests)
        return
    for engine in ["sqlite"] if args.sqlite_only else engines():
        env = fresh_database(engine, os.environ.get("BENCH_DB_NAME", "sites"))
        env["PYTHONPATH"] = os.path.dirname(os.path.abspath(__file__))
        run_child(__file__, env, "--sites", str(args.sites), "--versions", str(args.versions),
                  "--requests", str(args.requests))  # fmt: skip


if __name__ == "__main__":
    main()
