# A correction (ledger.services.entry_reverse) is never itself reversed, and the link between an
# entry and its reversal never changes: ledger/sql/integrity.sql gains the trigger that says so.

from django.db import migrations

# The part of ledger/sql/integrity.sql this migration installed (the rest is 0002's).
PG_SQL = r"""
-- A correction reverses an entry once (the unique index on reverses_id says so) and is never itself
-- reversed; once written, the link between an entry and its reversal never changes.
CREATE OR REPLACE FUNCTION ledger_reversal_rules() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.reverses_id IS DISTINCT FROM NEW.reverses_id THEN
        RAISE EXCEPTION 'journal entry % already records what it reverses; post a new entry instead', NEW.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.reverses_id IS NOT NULL AND EXISTS (
        SELECT 1 FROM ledger_journalentry e WHERE e.id = NEW.reverses_id AND e.reverses_id IS NOT NULL) THEN
        RAISE EXCEPTION 'journal entry % is itself a reversal; it cannot be reversed', NEW.reverses_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS ledger_entry_reversal_rules ON ledger_journalentry;
CREATE TRIGGER ledger_entry_reversal_rules BEFORE INSERT OR UPDATE OF reverses_id ON ledger_journalentry
    FOR EACH ROW EXECUTE FUNCTION ledger_reversal_rules();
"""

PG_DROP = """
DROP TRIGGER IF EXISTS ledger_entry_reversal_rules ON ledger_journalentry;
DROP FUNCTION IF EXISTS ledger_reversal_rules();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0004_entry_reversal"),
    ]

    operations = [
        migrations.RunSQL(PG_SQL, PG_DROP),
    ]
