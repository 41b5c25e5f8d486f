"""Fail when a user-facing string has no Vietnamese translation.

Our own strings: re-extracts the messages (so a new string in code counts at
once) and lists what is untranslated or fuzzy. The committed catalogue is left
as it was, so `make test` changes no file; with --update the re-extracted
catalogue stays (then translate what is listed and commit it). A committed
catalogue whose strings differ from the code's fails too: it would ship stale.

What users see from our dependencies (Django's forms, validators and password
rules, DRF's errors, django-otp, django-axes): extracted from their source and
looked up in Vietnamese as Vigil runs them. Where a dependency lacks
Vietnamese, vigil/locale_vendor/vi/LC_MESSAGES/django.po supplies it
(LOCALE_PATHS wins over the apps' own catalogues).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "vigil" / "locale" / "vi" / "LC_MESSAGES" / "django.po"
VENDOR_PO = ROOT / "vigil" / "locale_vendor" / "vi" / "LC_MESSAGES" / "django.po"

# (package, files relative to it, glob patterns): the modules whose messages reach users.
VENDOR_SOURCES: list[tuple[str, list[str]]] = [
    (
        "django",
        [
            "core/validators.py",
            "core/paginator.py",
            "forms/fields.py",
            "forms/forms.py",
            "forms/models.py",
            "forms/formsets.py",
            "forms/utils.py",
            "forms/widgets.py",
            "db/models/base.py",
            "db/models/constraints.py",
            "db/models/fields/__init__.py",
            "db/models/fields/related.py",
            "contrib/auth/forms.py",
            "contrib/auth/password_validation.py",
            "contrib/auth/validators.py",
            "contrib/auth/models.py",
            "contrib/auth/base_user.py",
        ],
    ),
    (
        "rest_framework",
        [
            "exceptions.py",
            "fields.py",
            "serializers.py",
            "validators.py",
            "relations.py",
            "authentication.py",
            "permissions.py",
            "pagination.py",
            "filters.py",
            "generics.py",
            "parsers.py",
            "versioning.py",
            "throttling.py",
            "views.py",
        ],
    ),
    ("django_filters", ["fields.py", "filters.py", "filterset.py", "widgets.py", "utils.py"]),
    (
        "django_otp",
        [
            "forms.py",
            "models.py",
            "plugins/otp_totp/models.py",
            "plugins/otp_static/models.py",
        ],
    ),
    ("axes", ["conf.py"]),
]
# Same in both languages.
SAME_IN_VIETNAMESE = {"%(truncated_text)s…", "…", ":", "IPv4", "IPv6"}
XGETTEXT_KEYWORDS = [
    "--keyword=gettext_noop", "--keyword=gettext_lazy", "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2", "--keyword=npgettext:1c,2,3", "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3", "--keyword=_", "--keyword=gettext",
    "--keyword=ngettext:1,2",
]  # fmt: skip


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
        ours = check(committed, update=update)
    finally:
        if not update:
            PO.write_text(committed, encoding="utf-8")
    return ours or check_vendor()


def po_entries(po_text: str) -> list[tuple[str, str, str]]:
    """(context, msgid, msgid_plural) of each entry of a .po/.pot text; the header left out.

    Entries are separated by blank lines, as xgettext and msgmerge write them."""
    entries: list[tuple[str, str, str]] = []
    for block in po_text.split("\n\n"):
        fields: dict[str, str] = {}
        current = ""
        for line in block.splitlines():
            keyword, _sep, rest = line.partition(" ")
            if keyword in {"msgctxt", "msgid", "msgid_plural"} or keyword.startswith("msgstr"):
                current = keyword
                fields[current] = _unquote(rest)
            elif line.startswith('"') and current:
                fields[current] += _unquote(line)
        if fields.get("msgid"):
            entries.append(
                (fields.get("msgctxt", ""), fields["msgid"], fields.get("msgid_plural", ""))
            )
    return entries


def _unquote(text: str) -> str:
    import ast

    return str(ast.literal_eval(text.strip())) if text.strip() else ""


def vendor_messages() -> list[tuple[str, str, str]]:
    """The dependency messages users can see, extracted from the installed packages."""
    files: list[str] = []
    for package, names in VENDOR_SOURCES:
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            raise SystemExit(f"{package} is not installed")
        base = Path(spec.origin).parent
        files += [str(base / name) for name in names]
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "vendor.pot"
        subprocess.run(
            ["xgettext", "--language=Python", "--from-code=UTF-8", "--no-location",
             *XGETTEXT_KEYWORDS, "-o", str(pot), *files],
            check=True,
        )  # fmt: skip
        return po_entries(pot.read_text(encoding="utf-8"))


def check_vendor() -> int:
    """Look each dependency message up in Vietnamese, as Vigil would at run time."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    os.environ.setdefault("VIGIL_ENV", "test")
    import django

    django.setup()
    from django.utils import translation

    missing: list[str] = []
    with translation.override("vi"):
        for context, msgid, plural in vendor_messages():
            if msgid in SAME_IN_VIETNAMESE:
                continue
            if plural:
                found = (
                    translation.npgettext(context, msgid, plural, 1)
                    if context
                    else translation.ngettext(msgid, plural, 1)
                )
                untranslated = found in {msgid, plural}
            else:
                found = (
                    translation.pgettext(context, msgid) if context else translation.gettext(msgid)
                )
                untranslated = found == msgid
            if untranslated:
                missing.append(f"{context}\x04{msgid}" if context else msgid)
    if missing:
        print(f"{len(missing)} string(s) users see from our dependencies lack Vietnamese;")
        print(f"add them to {VENDOR_PO} and run `make messages`:")
        for msgid in missing:
            print(f"  - {msgid}")
        return 1
    print("Vietnamese complete for what users see from Django, DRF, django-otp and django-axes.")
    return 0


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
