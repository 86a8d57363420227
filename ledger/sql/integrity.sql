-- PostgreSQL checks again, at commit, what ledger_post checks: every entry balances per currency
-- and each posting is in its account's currency; and entries, once written, are never changed.
--
-- Installed by migrations (each holds the text it installed); tests/config/test_sql_files.py fails
-- when this file differs from what the migrations installed: change it, then add a migration.
CREATE OR REPLACE FUNCTION ledger_entry_balances() RETURNS trigger AS $$
DECLARE
    bad RECORD;
BEGIN
    SELECT p.currency, SUM(p.amount) AS total INTO bad
      FROM ledger_posting p WHERE p.entry_id = NEW.entry_id
     GROUP BY p.currency HAVING SUM(p.amount) <> 0 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal entry % does not balance in % (%)', NEW.entry_id, bad.currency, bad.total
            USING ERRCODE = 'check_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM ledger_account a WHERE a.id = NEW.account_id AND a.currency <> NEW.currency) THEN
        RAISE EXCEPTION 'posting currency % differs from its account''s', NEW.currency
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS ledger_posting_balanced ON ledger_posting;
CREATE CONSTRAINT TRIGGER ledger_posting_balanced AFTER INSERT ON ledger_posting
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_balances();

CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are never changed; post a reversing entry (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS ledger_posting_no_change ON ledger_posting;
CREATE TRIGGER ledger_posting_no_change BEFORE UPDATE OR DELETE ON ledger_posting
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

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
