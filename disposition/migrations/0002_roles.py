from django.db import migrations

from custody.roles import sync_roles


def grant(apps, schema_editor):
    # The roles as they stood at this migration (later ones grant the permissions of later models).
    sync_roles(apps, "disposition", {
        "Auction manager": ["view_award", "view_invoice", "decide_award"],
        "Finance officer": ["view_award", "view_invoice"],
        "Auditor": ["view_award", "view_invoice"],
    })


class Migration(migrations.Migration):
    dependencies = [
        ("disposition", "0001_initial"),
        ("custody", "0002_roles_and_append_only"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
