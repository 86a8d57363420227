from django.db import migrations

from custody.roles import sync_roles
from ledger.roles import LEDGER_ROLE_PERMISSIONS


def grant(apps, schema_editor):
    sync_roles(apps, "ledger", LEDGER_ROLE_PERMISSIONS)


# The text of ledger/sql/integrity.sql as this migration installed it.
# PostgreSQL checks again, at commit, what ledger_post checks: every entry balances per currency
# and each posting is in its account's currency; and entries, once written, are never changed.
PG_SQL = """
CREATE OR REPLACE FUNCTION ledger_entry_balances() RETURNS trigger AS $$
DECLARE
    bad RECORD;
BEGIN
    SELECT p.currency, SUM(p.amount) AS total INTO bad
      FROM ledger_posting p WHERE p.entry_id = NEW.entry_id
     GROUP BY p.currency HAVING SUM(p.amount) <> 0 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal entry %% does not balance in %% (%%)', NEW.entry_id, bad.currency, bad.total
            USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM ledger_account a WHERE a.id = NEW.account_id AND a.currency <> NEW.currency) THEN
        RAISE EXCEPTION 'posting currency %% differs from its account''s', NEW.currency
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE CONSTRAINT TRIGGER ledger_posting_balanced AFTER INSERT ON ledger_posting
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_balances();

CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are never changed; post a reversing entry (%% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_posting_no_change BEFORE UPDATE OR DELETE ON ledger_posting
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
"""

PG_DROP = """
DROP TRIGGER IF EXISTS ledger_posting_balanced ON ledger_posting;
DROP TRIGGER IF EXISTS ledger_posting_no_change ON ledger_posting;
DROP FUNCTION IF EXISTS ledger_entry_balances();
DROP FUNCTION IF EXISTS ledger_append_only();
"""

def add_triggers(apps, schema_editor):
    schema_editor.execute(PG_SQL)


def drop_triggers(apps, schema_editor):
    schema_editor.execute(PG_DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0001_initial"),
        ("custody", "0002_roles_and_append_only"),
    ]

    operations = [
        migrations.RunPython(grant, migrations.RunPython.noop),
        migrations.RunPython(add_triggers, drop_triggers),
    ]
