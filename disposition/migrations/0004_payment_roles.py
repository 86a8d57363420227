from django.db import migrations

from custody.roles import sync_roles
from disposition.roles import DISPOSITION_ROLE_PERMISSIONS


def grant(apps, schema_editor):
    sync_roles(apps, "disposition", DISPOSITION_ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("disposition", "0003_invoice_life_cycle_and_payments"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
