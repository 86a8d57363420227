from django.db import migrations

from custody.roles import sync_roles
from valuation.roles import role_permissions_before_early_sale_moved


def grant(apps, schema_editor):
    # The early-sale request is valuation's only from 0003 on, which grants its permissions.
    sync_roles(apps, "valuation", role_permissions_before_early_sale_moved())


class Migration(migrations.Migration):
    dependencies = [
        ("valuation", "0001_initial"),
        ("custody", "0002_roles_and_append_only"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
