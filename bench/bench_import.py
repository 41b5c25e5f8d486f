"""Bulk onboarding: how long an .xlsx import of agencies and users takes, valid
and with one bad row at the end (everything checked, then rolled back), on
SQLite and PostgreSQL.

    .venv/bin/python bench/bench_import.py [--rows 200]

Users carry an initial password, hashed with Argon2 as at sign-up: that hash
dominates a user row, so agencies and users are timed apart.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from _setup import engines, fresh_database, run_child


def workbook(agencies: int, users: int, *, bad_last: bool = False) -> bytes:
    from openpyxl import Workbook

    from vigil.org.imports import services as imports

    province = "Ban Chỉ đạo Phòng, chống khủng bố tỉnh Quảng Ninh"
    book = Workbook()
    book.remove(book.active)
    rows: dict[str, list[list[object]]] = {
        "Co_quan": [
            [f"Đơn vị nhập {i}", "", "department", province, "", "", "01/07/2025"]
            for i in range(agencies)
        ],
        "Nguoi_giu_chuc_vu": [],
        "Nguoi_dung": [
            [f"nhap_{i}", f"Người nhập {i}", f"n{i}@demo.vigil.invalid", "Mat-khau-rat-dai-2026",
             "Thường", "Sở Y tế", "officer", "", "01/07/2025", ""]
            for i in range(users)
        ],
    }  # fmt: skip
    if bad_last:
        # Users: a bad e-mail; agencies: an unknown kind (both the third column).
        key = "Nguoi_dung" if users else "Co_quan"
        rows[key][-1][2] = "not-an-address" if users else "no-such-kind"
    for spec in imports.SHEETS:
        sheet = book.create_sheet(spec.name)
        sheet.append(spec.headers)
        for row in rows[spec.name]:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def child(rows: int) -> None:
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from vigil.accounts.models import User
    from vigil.org.imports import services as imports

    call_command("migrate", verbosity=0)
    call_command("seed", "demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    quantri = User.objects.get(username="quantri")
    users = max(1, rows // 10)
    for label, agencies, people, bad in (
        (f"{rows} agencies, valid", rows, 0, False),
        (f"{rows} agencies, last row bad (rolled back)", rows, 0, True),
        (f"{users} users, last row bad (rolled back)", 0, users, True),
        (f"{users} users, valid", 0, users, False),
    ):
        upload = SimpleUploadedFile("b.xlsx", workbook(agencies, people, bad_last=bad))
        start = time.perf_counter()
        report = imports.run_import(upload, actor=quantri)
        elapsed = time.perf_counter() - start
        n = len(report.rows)
        print(
            f"  {label:45s} {elapsed:7.2f} s  {n / elapsed:7.1f} rows/s  "
            f"ok={report.ok} written={report.written}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.rows)
        return
    for engine in engines():
        print(f"{engine}:")
        run_child(__file__, fresh_database(engine, "import"), "--rows", str(args.rows))


if __name__ == "__main__":
    main()
