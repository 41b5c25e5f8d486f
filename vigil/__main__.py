"""The ``vigil`` command: Django's manage.py plus our own commands."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["vigil", *sys.argv[1:]])


if __name__ == "__main__":
    main()
