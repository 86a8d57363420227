from django.db import migrations

from custody.roles import sync_roles


def grant(apps, schema_editor):
    # What this migration grants, frozen as it stood (later migrations grant later permissions).
    view = ["view_collectionslot", "view_collectionbooking", "view_handover", "view_storagefeeaccrual"]
    sync_roles(apps, "disposition", {
        "Custodian": ["view_invoice", *view, "add_collectionslot", "change_collectionslot", "add_handover"],
        "Auction manager": view,
        "Finance officer": view,
        "Auditor": view,
    })


class Migration(migrations.Migration):
    dependencies = [
        ("disposition", "0005_collection"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
