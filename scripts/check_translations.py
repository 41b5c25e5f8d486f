"""Fail when one of our user-facing strings has no Vietnamese translation.

Re-extracts the messages (so a new string in code counts at once), then asks
msgfmt for the statistics of the Vietnamese catalogue.
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
        return 1
    print("Vietnamese catalogue complete.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
