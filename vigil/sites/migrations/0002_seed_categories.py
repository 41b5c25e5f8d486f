"""The site categories every committee starts with (reference data, like admin units)."""

from typing import Any

from django.db import migrations

from vigil.sites.categories import SEEDED


def seed(apps: Any, schema_editor: Any) -> None:
    category = apps.get_model("sites", "SiteCategory")
    for order, (code, name) in enumerate(SEEDED, start=1):
        category.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("sites", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
