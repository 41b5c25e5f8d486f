"""Fail when one of our user-facing strings has no Vietnamese translation.

Re-extracts the messages (so a new string in code counts at once) and lists
what is untranslated or fuzzy. The committed catalogue is left as it was, so
`make test` changes no file; with --update the re-extracted catalogue stays
(then translate what is listed and commit it). A committed catalogue whose
strings differ from the code's fails too: it would ship stale.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "vigil" / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def msgids(po_text: str) -> list[str]:
    """The msgids of a .po text, continuation lines joined; the header left out."""
    found: list[str] = []
    current: list[str] | None = None
    for line in po_text.splitlines():
        if line.startswith("msgid "):
            current = [line.removeprefix("msgid ").strip().strip('"')]
        elif current is not None and line.startswith('"'):
            current.append(line.strip().strip('"'))
        elif current is not None:
            text = "".join(current)
            if text:
                found.append(text)
            current = None
    return found


def main() -> int:
    update = "--update" in sys.argv[1:]
    committed = PO.read_text(encoding="utf-8")
    try:
        return check(committed, update=update)
    finally:
        if not update:
            PO.write_text(committed, encoding="utf-8")


def check(committed: str, *, update: bool) -> int:
    subprocess.run(
        [sys.executable, "-m", "vigil", "makemessages", "-l", "vi", "--no-obsolete",
         "--no-location", "-v0", "-i", "tests/*", "-i", "bench/*", "-i", ".venv/*"],
        cwd=ROOT / "vigil", check=True,
    )  # fmt: skip
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(PO)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(PO)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    missing = msgids(untranslated) + msgids(fuzzy)
    if missing:
        print(f"{len(missing)} string(s) lack a Vietnamese translation in {PO}:")
        for msgid in missing:
            print(f"  - {msgid}")
        if not update:
            print("Run scripts/check_translations.py --update, translate them, and commit.")
        return 1
    if not update and set(msgids(PO.read_text(encoding="utf-8"))) != set(msgids(committed)):
        print(f"{PO} is out of date: run scripts/check_translations.py --update and commit it.")
        return 1
    print("Vietnamese catalogue complete.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
