from django.db import migrations

from custody.roles import AUDIT_TRAIL_ROLES, ensure_permissions


def grant(apps, schema_editor):
    """The auditors read, in the audit trail, staff turning off their own two-factor authentication
    (logged on the authenticator forgotten, which Wagtail's report shows only to those holding a
    permission on it)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ensure_permissions(apps, "otp_totp")
    permissions = list(Permission.objects.filter(content_type__app_label="otp_totp", codename="view_totpdevice"))
    for role in AUDIT_TRAIL_ROLES:
        Group.objects.get(name=role).permissions.add(*permissions)


class Migration(migrations.Migration):

    dependencies = [
        ("otp_totp", "0003_add_timestamps"),
        ("custody", "0016_status_changes_index"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
