import datetime as dt

from django.db import migrations

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
# The default escalation policy (vigil/inbox/escalation.py DEFAULT_POLICIES), as editable rows.
DEFAULTS = {
    "alert": (False, [(30 * dt.timedelta(minutes=1), "duty_officer"), (2 * H, "agency_head"),
                      (4 * H, "standing_office")]),
    "task": (True, [(1 * D, "duty_officer"), (2 * D, "agency_head"), (3 * D, "standing_office")]),
    "plan_review": (True, [(5 * D, "duty_officer"), (10 * D, "agency_head"),
                           (15 * D, "standing_office")]),
    "licence": (True, [(5 * D, "duty_officer"), (10 * D, "agency_head"),
                       (20 * D, "standing_office")]),
}


def seed(apps, schema_editor):
    from vigil.core.triggers import install_append_only_triggers

    alias = schema_editor.connection.alias
    Policy = apps.get_model("inbox", "EscalationPolicy")
    Step = apps.get_model("inbox", "EscalationStep")
    for kind, (working_time, steps) in DEFAULTS.items():
        policy, created = Policy.objects.using(alias).get_or_create(
            committee=None, kind=kind, defaults={"working_time": working_time}
        )
        if created:
            for order, (after, target) in enumerate(steps, start=1):
                Step.objects.using(alias).create(
                    policy=policy, order=order, after=after, target=target
                )
    install_append_only_triggers(alias)


class Migration(migrations.Migration):
    dependencies = [("inbox", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
