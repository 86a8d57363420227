from django.db import migrations

from custody.roles import CUSTODY_ROLE_PERMISSIONS, sync_roles


def create_roles(apps, schema_editor):
    sync_roles(apps, "custody", CUSTODY_ROLE_PERMISSIONS)


# The text of custody/sql/append_only.sql as this migration installed it.
APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION custody_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'custody log entries are append-only (%% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER custody_event_no_update BEFORE UPDATE OR DELETE ON custody_custodyevent
    FOR EACH ROW EXECUTE FUNCTION custody_event_append_only();
CREATE TRIGGER custody_event_no_truncate BEFORE TRUNCATE ON custody_custodyevent
    FOR EACH STATEMENT EXECUTE FUNCTION custody_event_append_only();
"""

def add_triggers(apps, schema_editor):
    """The database itself refuses updates and deletes of custody log entries, whatever the client."""
    schema_editor.execute(APPEND_ONLY_SQL)


def drop_triggers(apps, schema_editor):
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS custody_event_no_update ON custody_custodyevent;"
        "DROP TRIGGER IF EXISTS custody_event_no_truncate ON custody_custodyevent;"
        "DROP FUNCTION IF EXISTS custody_event_append_only();"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("custody", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
