from django.db import migrations

from custody.roles import AUDIT_TRAIL_ROLES, ensure_permissions

# As it stood when this ran (custody.roles.AUDIT_TRAIL_ALSO_READS has grown since: 0017).
ALSO_READS = {"axes": ["view_accessattempt"]}


def grant(apps, schema_editor):
    """The auditors read, in the audit trail, the sign-in locks superusers release (logged on axes'
    attempt records, which Wagtail's report shows only to those holding a permission on them)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_label, codenames in ALSO_READS.items():
        ensure_permissions(apps, app_label)
        permissions = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
        for role in AUDIT_TRAIL_ROLES:
            Group.objects.get(name=role).permissions.add(*permissions)


class Migration(migrations.Migration):

    dependencies = [
        ("axes", "0010_accessattemptexpiration"),
        ("custody", "0014_four_eyes_end_of_custody"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
