# The custody log's status changes, covered for the public statistics' milestones (an index-only scan).
# Built concurrently: the log takes writes (every custody step) while the index is built.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("custody", "0015_auditors_read_sign_in_unlocks"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="custodyevent",
            index=models.Index(condition=models.Q(("kind", "status_change")), fields=["asset"],
                               include=("at", "to_state", "transition"), name="custody_event_status_changes"),
        ),
    ]
