from django.db import migrations

from custody.roles import sync_roles
from valuation.roles import VALUATION_ROLE_PERMISSIONS


def grant(apps, schema_editor):
    sync_roles(apps, "valuation", VALUATION_ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("valuation", "0001_initial"),
        ("custody", "0002_roles_and_append_only"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
