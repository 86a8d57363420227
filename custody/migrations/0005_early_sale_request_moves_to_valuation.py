"""The early-sale request is valuation's now (its migration 0003 takes the model into its state,
keeping the table and its rows): the register forgets the model, and the database is left alone."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("custody", "0004_storage_public_area"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="EarlySaleRequest")],
            database_operations=[],
        ),
    ]
