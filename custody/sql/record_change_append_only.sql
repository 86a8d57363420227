-- The history of corrections (custody_recordchange) is append-only like the custody log: the
-- database refuses updates and deletes of its rows, with the custody log's function
-- (custody/sql/append_only.sql). No TRUNCATE trigger: a test database's flush empties it.
--
-- Installed by migrations (each holds the text it installed); tests/config/test_sql_files.py fails
-- when this file differs from what the migrations installed: change it, then add a migration.
DROP TRIGGER IF EXISTS record_change_no_update ON custody_recordchange;
CREATE TRIGGER record_change_no_update BEFORE UPDATE OR DELETE ON custody_recordchange
    FOR EACH ROW EXECUTE FUNCTION custody_event_append_only();
