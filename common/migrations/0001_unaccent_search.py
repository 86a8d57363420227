"""Searches that ignore accents: PostgreSQL's unaccent extension, its IMMUTABLE wrapper `f_unaccent`
(which indexes may hold) and the `simple_unaccent` text-search configuration (common/sql/unaccent.sql).
The apps' migrations that index with them depend on this one."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

# The text of common/sql/unaccent.sql as this migration installed it.
UNACCENT_SQL = r"""
-- Searches that ignore accents ("liege" finds "Liège", "elodie" finds "Élodie"), with PostgreSQL's
-- unaccent extension (installed by the same migration, in the public schema).
--
-- f_unaccent: unaccent as an IMMUTABLE function, so that an index may hold its result (unaccent itself
-- is only STABLE: its dictionary could change). The dictionary is named with its schema, so the
-- result does not depend on the search_path of whoever writes the index. The trigram indexes of the
-- searched titles and names are on f_unaccent(column), and the searches compare f_unaccent of both
-- sides (common.search.Unaccented).
--
-- simple_unaccent: the `simple` text-search configuration (words as they are, not stemmed: names),
-- its words without their accents; the staff listings' full-text search (common.search).
--
-- Installed by migrations (each holds the text it installed); tests/config/test_sql_files.py fails
-- when this file differs from what the migrations installed: change it, then add a migration.
-- A configuration cannot be replaced while indexes use it: it is created once, its mapping set
-- (again) each time.
CREATE OR REPLACE FUNCTION f_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $fn$
  SELECT public.unaccent('public.unaccent', $1)
$fn$;

DO $do$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_ts_config
                  WHERE cfgname = 'simple_unaccent' AND cfgnamespace = to_regnamespace(current_schema())) THEN
    CREATE TEXT SEARCH CONFIGURATION simple_unaccent (COPY = simple);
  END IF;
END
$do$;
ALTER TEXT SEARCH CONFIGURATION simple_unaccent ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
"""


class Migration(migrations.Migration):

    dependencies = []

    operations = [
        UnaccentExtension(),
        migrations.RunSQL(UNACCENT_SQL, "DROP TEXT SEARCH CONFIGURATION IF EXISTS simple_unaccent; "
                                        "DROP FUNCTION IF EXISTS f_unaccent(text);"),
    ]
