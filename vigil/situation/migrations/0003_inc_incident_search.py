"""The incident list's search column: title, place and description folded."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("situation", "0002_triggers"),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="text_folded",
            field=models.TextField(default="", editable=False),
        ),
    ]
