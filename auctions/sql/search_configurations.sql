-- The catalogue's text-search configurations, one per language of the site (auctions.search): the
-- language's own (its stemmer and stop words), each word first without its accents (unaccent,
-- installed by common/sql/unaccent.sql), so that "vehicule" finds "Véhicule", "camion" "camión" and
-- "cafe" "Café". Words of plain ASCII letters (asciiword, asciihword ...) have no accent to lose and
-- keep the language's mapping.
--
-- Installed by migrations (each holds the text it installed); tests/config/test_sql_files.py fails
-- when this file differs from what the migrations installed: change it, then add a migration.
-- A configuration cannot be replaced while the catalogue's indexes use it: each is created once, its
-- mapping set (again) each time.
DO $do$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_ts_config
                  WHERE cfgname = 'english_unaccent' AND cfgnamespace = to_regnamespace(current_schema())) THEN
    CREATE TEXT SEARCH CONFIGURATION english_unaccent (COPY = english);
  END IF;
  IF NOT EXISTS (SELECT FROM pg_ts_config
                  WHERE cfgname = 'french_unaccent' AND cfgnamespace = to_regnamespace(current_schema())) THEN
    CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
  END IF;
  IF NOT EXISTS (SELECT FROM pg_ts_config
                  WHERE cfgname = 'spanish_unaccent' AND cfgnamespace = to_regnamespace(current_schema())) THEN
    CREATE TEXT SEARCH CONFIGURATION spanish_unaccent (COPY = spanish);
  END IF;
END
$do$;
ALTER TEXT SEARCH CONFIGURATION english_unaccent ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
ALTER TEXT SEARCH CONFIGURATION french_unaccent ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
ALTER TEXT SEARCH CONFIGURATION spanish_unaccent ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
