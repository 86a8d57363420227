"""The SQL that lives in the database (functions, triggers, text-search configurations) is kept in
`.sql` files in its app (`<app>/sql/*.sql`), and migrations install it. These tests hold the installed
definitions to the files: a file edited without a migration that installs the new text fails here,
and so does a function, trigger or configuration in the database that no file describes.

How: inside a transaction that is rolled back, the catalogue's definitions are read, the file is
run (each file is idempotent: CREATE OR REPLACE, DROP ... IF EXISTS before CREATE, a configuration
created when missing and its mapping set), and the definitions are read again. Running a file that
matches what is installed changes nothing. (A text-search configuration is defined by its parser and
the dictionaries that read each kind of token.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

pytestmark = pytest.mark.django_db

PROJECT_APPS = ["custody", "ledger", "valuation", "auctions", "disposition", "cms", "common"]
SQL_FILES = sorted(path for app in PROJECT_APPS for path in (Path(settings.BASE_DIR) / app / "sql").glob("*.sql"))

# Our own functions and triggers in the current schema; functions that belong to an extension
# (pg_trgm's, say) are not ours to describe.
DEFINITIONS_SQL = """
SELECT 'function ' || p.oid::regprocedure::text, pg_get_functiondef(p.oid)
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = current_schema()
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                                                AND d.deptype = 'e')
UNION ALL
SELECT 'trigger ' || t.tgname || ' on ' || c.relname, pg_get_triggerdef(t.oid)
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE NOT t.tgisinternal AND n.nspname = current_schema()
UNION ALL
SELECT 'configuration ' || cfg.cfgname,
       'PARSER = ' || (SELECT prsname FROM pg_ts_parser WHERE oid = cfg.cfgparser) || '; ' ||
       (SELECT string_agg(t.alias || ' WITH ' || m.dictionaries, '; ' ORDER BY t.alias)
          FROM (SELECT maptokentype, string_agg(mapdict::regdictionary::text, ', ' ORDER BY mapseqno) AS dictionaries
                  FROM pg_ts_config_map WHERE mapcfg = cfg.oid GROUP BY maptokentype) m
          JOIN ts_token_type(cfg.cfgparser) t ON t.tokid = m.maptokentype)
  FROM pg_ts_config cfg JOIN pg_namespace n ON n.oid = cfg.cfgnamespace
 WHERE n.nspname = current_schema()
"""


def definitions() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(DEFINITIONS_SQL)
        return dict(cursor.fetchall())


def run_and_compare(paths: list[Path]) -> tuple[dict[str, str], dict[str, str]]:
    """The definitions before and after running the files, in a transaction rolled back."""
    with transaction.atomic():
        before = definitions()
        with connection.cursor() as cursor:
            for path in paths:
                cursor.execute(path.read_text(), None)
        after = definitions()
        transaction.set_rollback(True)
    return before, after


def test_there_are_sql_files_to_check():
    assert {path.parent.parent.name for path in SQL_FILES} >= {"custody", "ledger", "auctions"}


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda p: f"{p.parent.parent.name}/sql/{p.name}")
def test_what_is_installed_is_what_the_file_says(path):
    before, after = run_and_compare([path])
    changed = sorted(name for name in after if before.get(name) != after[name])
    assert not changed, f"{path.name} differs from what the migrations installed: {changed}; add a migration"


def test_no_file_creates_what_the_migrations_did_not_install():
    before, after = run_and_compare(SQL_FILES)
    assert sorted(set(after) - set(before)) == []


def test_every_function_and_trigger_in_the_database_has_its_file():
    texts = "\n".join(path.read_text() for path in SQL_FILES)

    def declaration(name: str) -> str:
        kind, _, rest = name.partition(" ")
        if kind == "function":
            return f"FUNCTION {rest.split('(')[0]}("
        if kind == "configuration":
            return f"CONFIGURATION {rest} "
        return f"TRIGGER {rest.split(' on ')[0]} "

    assert sorted(name for name in definitions() if declaration(name) not in texts) == []


def test_an_edited_file_would_be_caught(tmp_path):
    # given the bid function's file with one changed line, as a developer might leave it
    original = Path(settings.BASE_DIR) / "auctions" / "sql" / "place_bid.sql"
    edited = tmp_path / "place_bid.sql"
    edited.write_text(original.read_text().replace("v_code := 'below_minimum';", "v_code := 'too_low';"))
    # then running it changes the installed definition: the check above would fail
    before, after = run_and_compare([edited])
    assert before["function auctions_place_bid(bigint,integer,numeric,timestamp with time zone)"] != \
        after["function auctions_place_bid(bigint,integer,numeric,timestamp with time zone)"]


def test_an_edited_search_configuration_would_be_caught(tmp_path):
    # given the catalogue's configurations with French words no longer unaccented, as a developer might leave it
    original = Path(settings.BASE_DIR) / "auctions" / "sql" / "search_configurations.sql"
    edited = tmp_path / "search_configurations.sql"
    edited.write_text(original.read_text().replace("WITH unaccent, french_stem", "WITH french_stem"))
    # then running it changes the installed definition: the check above would fail
    before, after = run_and_compare([edited])
    assert "unaccent, french_stem" in before["configuration french_unaccent"]
    assert before["configuration french_unaccent"] != after["configuration french_unaccent"]
