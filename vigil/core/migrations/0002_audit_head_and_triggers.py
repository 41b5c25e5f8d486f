from django.db import migrations


def create_head_and_triggers(apps, schema_editor):
    from vigil.core.triggers import install_append_only_triggers

    alias = schema_editor.connection.alias
    apps.get_model("core", "AuditHead").objects.using(alias).get_or_create(id=1)
    install_append_only_triggers(alias)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_head_and_triggers, migrations.RunPython.noop)]
