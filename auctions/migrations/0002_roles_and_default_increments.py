from decimal import Decimal

from django.db import migrations

from auctions.roles import AUCTIONS_ROLE_PERMISSIONS
from custody.roles import sync_roles

DEFAULT_TIERS = [
    ("500", "10"),
    ("1000", "25"),
    ("5000", "50"),
    ("10000", "100"),
    ("50000", "250"),
    (None, "500"),
]


def create_roles(apps, schema_editor):
    sync_roles(apps, "auctions", AUCTIONS_ROLE_PERMISSIONS)


def create_default_increments(apps, schema_editor):
    IncrementTable = apps.get_model("auctions", "IncrementTable")
    IncrementTier = apps.get_model("auctions", "IncrementTier")
    table, created = IncrementTable.objects.get_or_create(name="Standard", defaults={"is_default": True})
    if created:
        for up_to, increment in DEFAULT_TIERS:
            IncrementTier.objects.create(table=table, up_to=Decimal(up_to) if up_to else None,
                                         increment=Decimal(increment))


class Migration(migrations.Migration):
    dependencies = [
        ("auctions", "0001_initial"),
        ("custody", "0002_roles_and_append_only"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(create_default_increments, migrations.RunPython.noop),
    ]
