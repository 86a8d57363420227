"""Restore a backup made by `manage.py backup` into an empty database and empty media folders."""

from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from common.backup import BackupError, backup_restore, database_create


class Command(BaseCommand):
    help = ("Restore a backup made by `manage.py backup`: the database into an empty database (the one "
            "DATABASE_URL names, or --database-url), the media into the empty MEDIA_ROOT and PRIVATE_MEDIA_ROOT. "
            "Then run verify_custody_chain and ledger_reconcile on it.")

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--database-url", help="restore into this database instead of DATABASE_URL's")
        parser.add_argument("--create", action="store_true", help="create the database first if it does not exist")
        parser.add_argument("--no-media", action="store_true", help="the database only")

    def handle(self, *args, **options):
        if options["database_url"]:
            database = dj_database_url.parse(options["database_url"])
            if database["ENGINE"] != "django.db.backends.postgresql":
                raise CommandError("--database-url must name a PostgreSQL database")
        else:
            database = settings.DATABASES["default"]
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"{archive} is not a file")
        try:
            if options["create"]:
                database_create(database)
            manifest = backup_restore(path=archive, database=database, media=not options["no_media"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Restored the backup of {manifest['created_at']} (database {manifest['database']}) into database "
            f"{database['NAME']}" + (" and the media folders" if manifest["media"] and not options["no_media"]
                                     else "") + "."))
