from django.db import migrations

from custody.roles import sync_roles


def grant(apps, schema_editor):
    # What this migration grants, frozen as it stood (later migrations grant later permissions).
    view = ["view_beneficiary", "view_dispositiondecision", "view_allocation", "view_allocationpayment",
            "view_callforprojects", "view_application", "view_reuseproject", "view_monitoringreport",
            "view_reusephoto"]
    sync_roles(apps, "disposition", {
        "Case officer": view + [
            "add_beneficiary", "change_beneficiary", "add_dispositiondecision", "execute_dispositiondecision",
            "complete_dispositiondecision", "add_allocation", "add_callforprojects", "change_callforprojects",
            "run_callforprojects", "add_application", "change_application", "add_reuseproject",
            "add_monitoringreport", "add_reusephoto",
        ],
        "Approver": view + ["approve_dispositiondecision", "execute_dispositiondecision",
                            "revoke_dispositiondecision", "complete_dispositiondecision"],
        "Finance officer": view + ["pay_allocation"],
        "Custodian": ["view_dispositiondecision", "view_reuseproject", "view_monitoringreport", "view_reusephoto",
                      "add_monitoringreport", "add_reusephoto"],
        "Auditor": view,
    })


class Migration(migrations.Migration):
    dependencies = [
        ("disposition", "0008_reuse"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
