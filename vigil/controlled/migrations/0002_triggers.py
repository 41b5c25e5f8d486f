from django.db import migrations


def install_triggers(apps, schema_editor):
    from vigil.core.triggers import install_append_only_triggers

    install_append_only_triggers(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("controlled", "0001_initial")]

    operations = [migrations.RunPython(install_triggers, migrations.RunPython.noop)]
