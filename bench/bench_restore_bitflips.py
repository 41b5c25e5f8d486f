"""Random bit flips over a backup archive: every one must end in BackupError
("damaged") or in exactly the original contents (a flip in a gzip header field
nobody checks — its time stamp, XFL, OS — or in deflate bits that decode to the
same bytes, which the CRC then cannot see). Never another exception.

The archive is a small one written by ``vigil.core.backup.write_archive`` (a
fake database file and two media files): the reading code is the same for any
size, and a small archive lets many flips run. Prints the outcomes and the
time per check; exits 1 on the first flip that escapes as something else.

    .venv/bin/python bench/bench_restore_bitflips.py [FLIPS] [SEED]
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

FLIPS = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 2026


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    os.environ.setdefault("VIGIL_ENV", "test")
    import django

    django.setup()
    from django.utils import translation

    from vigil.core.backup import BackupError, read_archive, write_archive

    root = Path(tempfile.mkdtemp(prefix="vigil-bitflips-"))
    db_file = root / "db" / "database.sqlite3"
    db_file.parent.mkdir()
    db_file.write_bytes(b"SQLite format 3\x00" + os.urandom(3000) + bytes(4096))
    media = root / "media"
    (media / "attachments").mkdir(parents=True)
    (media / "attachments" / "a.txt").write_text("Biên bản kiểm tra kho " * 200)
    (media / "attachments" / "b.bin").write_bytes(os.urandom(2000))
    archive = root / "small.tar.gz"
    write_archive(archive, engine="sqlite", head="1:" + "0" * 64, db_file=db_file, media=media)
    original = archive.read_bytes()
    expected = read_archive(archive, root / "expected")
    rng = random.Random(SEED)
    outcomes: Counter[str] = Counter()
    started = time.perf_counter()
    with translation.override("en"):
        for n in range(FLIPS):
            data = bytearray(original)
            bit = rng.randrange(len(data) * 8)
            data[bit // 8] ^= 1 << (bit % 8)
            flipped = root / "flipped.tar.gz"
            flipped.write_bytes(bytes(data))
            staging = root / f"staging-{n}"
            try:
                manifest = read_archive(flipped, staging)
            except BackupError as exc:
                outcomes["damaged" if "damaged" in str(exc) else f"refused: {exc}"] += 1
                continue
            except Exception as exc:
                print(f"flip {n} (bit {bit}) escaped: {type(exc).__name__}: {exc}")
                return 1
            # Read back whole means every member matched the sealed manifest's SHA-256.
            if manifest != expected:
                print(f"flip {n} (bit {bit}) was read as another archive")
                return 1
            where = "gzip header time/xfl/os" if 4 <= bit // 8 < 10 else "same bytes decoded"
            outcomes[f"harmless ({where})"] += 1
    elapsed = time.perf_counter() - started
    print(
        f"{FLIPS} flips over a {len(original)}-byte archive, {elapsed / FLIPS * 1000:.2f} ms each:"
    )
    for outcome, count in outcomes.most_common():
        print(f"  {count:6d}  {outcome}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
