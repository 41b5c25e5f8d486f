"""Document builders: a directive .docx with a three-page body (goal: under 1 s),
its Decree 30 check, a report with a 100 × 35 appendix table (3,500 cells, the
obligations consolidation's size; goal: under 1 s), and an edXML package with a 5 MB attachment built and parsed.
Prints the median and p95 of each.

    .venv/bin/python bench/bench_documents.py [builds, default 20]
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20
os.environ["VIGIL_ENV"] = "demo"
os.environ["VIGIL_DATA_DIR"] = tempfile.mkdtemp(prefix="vigil-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from vigil.core.documents.check import check_docx  # noqa: E402
from vigil.core.documents.decree30 import (  # noqa: E402
    Appendix,
    Heading,
    OfficialDocument,
    Paragraph,
    Signature,
    Table,
    build_docx,
)
from vigil.core.documents.edxml import (  # noqa: E402
    EdxmlAttachment,
    EdxmlDocument,
    Organ,
    build_package,
    parse_package,
)

POINT = (
    "Các sở, ban, ngành là thành viên Ban Chỉ đạo và Ủy ban nhân dân các xã, phường chủ động "
    "rà soát, cập nhật phương án phòng, chống khủng bố tại các mục tiêu, công trình trọng điểm; "
    "tổ chức diễn tập theo phương châm “5 tại chỗ”, báo cáo kết quả về Văn phòng thường trực "
    "trước ngày 20 hằng tháng."
)


def directive() -> OfficialDocument:
    # About 75 lines of 14 pt body text with headings and a table: three A4 pages.
    body: list[Heading | Paragraph | Table] = []
    for part, title in enumerate(("Mục đích, yêu cầu", "Nhiệm vụ", "Tổ chức thực hiện"), 1):
        body.append(Heading(f"{'I' * part}. {title}"))
        body.extend(Paragraph(f"{n}. {POINT}") for n in range(1, 8))
    body.append(Table(["STT", "Đơn vị", "Nhiệm vụ", "Thời hạn"],
                      [[str(n), f"Xã {n}", "Rà soát phương án", "20/01/2027"] for n in range(1, 11)]))  # fmt: skip
    return OfficialDocument(
        issuing_body="Ban Chỉ đạo phòng, chống khủng bố",
        parent_body="UBND tỉnh Quảng Ninh",
        doc_type="Chỉ thị",
        subject="Về tăng cường công tác phòng, chống khủng bố năm 2027",
        date=dt.date(2027, 1, 5),
        place="Quảng Ninh",
        number="1/CT-BCĐ",
        body=body,
        recipients=["Ban Chỉ đạo PCKB quốc gia (để b/c)", "Các thành viên BCĐ", "Lưu: VT, VPTT"],
        signature=Signature(
            "Nguyễn Văn A",
            "Phó Trưởng ban thường trực",
            form="KT.",
            authority="Trưởng ban",
            host_position="Giám đốc Công an tỉnh",
        ),
        urgency="KHẨN",
    )


def wide_report() -> OfficialDocument:
    # Like a consolidation: a landscape appendix table, 100 units × 35 figures.
    header = ["STT", "Đơn vị", *(f"Chỉ tiêu {n}" for n in range(1, 34))]
    rows = [
        [str(r), f"UBND xã {r}", *(str(r * n % 97) for n in range(1, 34))] for r in range(1, 101)
    ]
    table = Table(header, rows, landscape=True)
    return dataclasses.replace(
        directive(),
        doc_type="Báo cáo",
        subject="Tổng hợp kết quả thực hiện chế độ báo cáo tháng 01/2027",
        number="2/BC-BCĐ",
        body=[Paragraph(POINT)],
        appendices=[Appendix("Bảng tổng hợp số liệu", [table], landscape=True)],
    )


def timed(label: str, runs: int, work: Callable[[], object]) -> None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(
        f"{label:<48} median {statistics.median(times) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   (n={runs})"
    )


def main() -> None:
    doc = directive()
    data = build_docx(doc)
    findings = check_docx(data)
    print(
        f"directive .docx: {len(data) // 1024} KB, Decree 30 check: {findings if findings else 'OK'}"
    )
    timed("build a 3-page directive .docx (goal < 1000 ms)", N, lambda: build_docx(doc))
    timed("check it against the Decree 30 layout", N, lambda: check_docx(data))

    report = wide_report()
    wide = build_docx(report)
    findings = check_docx(wide)
    print(
        f"report with a 100×35 table .docx: {len(wide) // 1024} KB, "
        f"Decree 30 check: {findings if findings else 'OK'}"
    )
    timed("build it (3,500 table cells, goal < 1000 ms)", N, lambda: build_docx(report))

    pdf = b"%PDF-1.4\n" + os.urandom(5 * 1024 * 1024) + b"\n%%EOF\n"
    package_doc = EdxmlDocument(
        sender=Organ("000.00.31.H40", "Ban Chỉ đạo PCKB tỉnh Quảng Ninh"),
        recipients=[Organ("000.00.00.G22", "Bộ Công an")],
        number="1", notation="CT-BCĐ", place="Quảng Ninh", date=dt.date(2027, 1, 5),
        type_name="Chỉ thị", subject=doc.subject,
        attachments=[EdxmlAttachment("chi-thi.docx", "", data), EdxmlAttachment("phu-luc.pdf", "", pdf)],
    )  # fmt: skip
    package = build_package(package_doc)
    print(f"edXML package: {len(package) / 1024 / 1024:.1f} MB")
    limit = 20 * 1024 * 1024
    timed("build an edXML package with a 5 MB attachment", N, lambda: build_package(package_doc))
    timed(
        "parse it (typed, size-checked)",
        N,
        lambda: parse_package(package, max_attachment_bytes=limit),
    )
    timed(
        "build + parse",
        N,
        lambda: parse_package(build_package(package_doc), max_attachment_bytes=limit),
    )


if __name__ == "__main__":
    main()
