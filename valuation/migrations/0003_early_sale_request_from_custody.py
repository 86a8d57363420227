"""The early-sale request moves from custody to valuation, which owns the early-sale workflow.

Only Django's picture of the models changes: the table keeps its name (custody_earlysalerequest), its
rows, constraints and indexes, and the notifications' foreign key keeps pointing at it. custody's
0005 drops the model from custody's state after this has added it to valuation's (run_before: the
register's migrations never name valuation). The model's content type moves with it, so its
permissions, and whoever holds them, stay as they are; the roles then get what valuation.roles
gives them.
"""

import django.db.models.deletion
import django.utils.timezone
import django_fsm
from django.conf import settings
from django.db import migrations, models

from custody.roles import sync_roles
from valuation.roles import VALUATION_ROLE_PERMISSIONS


def move_content_type(apps, schema_editor, source="custody", target="valuation"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    moving = types.filter(app_label=source, model="earlysalerequest").first()
    if moving is None:
        return
    # One made in the meantime (none should be) would hold no grant worth keeping.
    types.filter(app_label=target, model="earlysalerequest").delete()
    moving.app_label = target
    moving.save(update_fields=["app_label"])


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="valuation", target="custody")


def grant(apps, schema_editor):
    sync_roles(apps, "valuation", VALUATION_ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("valuation", "0002_roles"),
        ("custody", "0004_storage_public_area"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    run_before = [("custody", "0005_early_sale_request_moves_to_valuation")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="EarlySaleRequest",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("reason", models.CharField(choices=[("perishable", "Perishable"),
                                                             ("depreciation", "Rapid depreciation"),
                                                             ("cost", "Disproportionate cost of keeping")],
                                                    max_length=16, verbose_name="reason")),
                        ("justification", models.TextField(verbose_name="justification")),
                        ("status", models.CharField(choices=[("requested", "Requested"), ("endorsed", "Endorsed"),
                                                             ("rejected", "Rejected"),
                                                             ("authorised", "Authorised by the court"),
                                                             ("withdrawn", "Withdrawn")],
                                                    default="requested", max_length=16, verbose_name="status")),
                        ("requested_at", models.DateTimeField(default=django.utils.timezone.now,
                                                              verbose_name="requested")),
                        ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="decided")),
                        ("decision_note", models.TextField(blank=True, verbose_name="decision note")),
                        ("asset", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                    related_name="early_sale_requests", to="custody.asset",
                                                    verbose_name="asset")),
                        ("decided_by", models.ForeignKey(blank=True, null=True,
                                                         on_delete=django.db.models.deletion.PROTECT,
                                                         related_name="+", to=settings.AUTH_USER_MODEL,
                                                         verbose_name="decided by")),
                        ("order", models.ForeignKey(blank=True, null=True,
                                                    on_delete=django.db.models.deletion.PROTECT,
                                                    related_name="+", to="custody.courtorder",
                                                    verbose_name="court's authorisation")),
                        ("requested_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                           related_name="+", to=settings.AUTH_USER_MODEL,
                                                           verbose_name="requested by")),
                    ],
                    options={
                        "verbose_name": "early-sale request",
                        "verbose_name_plural": "early-sale requests",
                        "db_table": "custody_earlysalerequest",
                        "ordering": ["-requested_at"],
                        "constraints": [
                            models.UniqueConstraint(condition=models.Q(("status__in", ["requested", "endorsed"])),
                                                    fields=("asset",), name="one_open_early_sale_request"),
                            models.CheckConstraint(
                                condition=models.Q(("decided_by__isnull", True),
                                                   models.Q(("decided_by", models.F("requested_by")), _negated=True),
                                                   _connector="OR"),
                                name="early_sale_four_eyes"),
                        ],
                    },
                    bases=(django_fsm.ConcurrentTransitionMixin, models.Model),
                ),
                migrations.AlterField(
                    model_name="earlysalenotification",
                    name="request",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="notifications",
                                            to="valuation.earlysalerequest", verbose_name="early-sale request"),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
