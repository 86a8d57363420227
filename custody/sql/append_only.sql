-- The custody log is append-only: the database itself refuses updates, deletes and truncation of
-- its entries, whatever the client.
--
-- Installed by migrations (each holds the text it installed); tests/config/test_sql_files.py fails
-- when this file differs from what the migrations installed: change it, then add a migration.
CREATE OR REPLACE FUNCTION custody_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'custody log entries are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS custody_event_no_update ON custody_custodyevent;
CREATE TRIGGER custody_event_no_update BEFORE UPDATE OR DELETE ON custody_custodyevent
    FOR EACH ROW EXECUTE FUNCTION custody_event_append_only();
DROP TRIGGER IF EXISTS custody_event_no_truncate ON custody_custodyevent;
CREATE TRIGGER custody_event_no_truncate BEFORE TRUNCATE ON custody_custodyevent
    FOR EACH STATEMENT EXECUTE FUNCTION custody_event_append_only();
