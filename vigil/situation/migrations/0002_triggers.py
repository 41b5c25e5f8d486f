"""The append-only tables refuse UPDATE and DELETE: incident events, timeline entries, alert events."""

from typing import Any

from django.db import migrations


def install_triggers(apps: Any, schema_editor: Any) -> None:
    from vigil.core.triggers import install_append_only_triggers

    install_append_only_triggers(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("situation", "0001_initial")]

    operations = [migrations.RunPython(install_triggers, migrations.RunPython.noop)]
