"""Back up the database and the media folders into one tar file (common.backup; README, "Backup and restore")."""

from datetime import UTC, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.backup import BackupError, backup_create


class Command(BaseCommand):
    help = ("Write the database DATABASE_URL names (pg_dump) and the media folders (MEDIA_ROOT, "
            "PRIVATE_MEDIA_ROOT) into one tar file, with a manifest.")

    def add_arguments(self, parser):
        parser.add_argument("archive", nargs="?",
                            help="the file to write (default: backup-<UTC time>.tar in the current folder)")
        parser.add_argument("--no-media", action="store_true", help="the database only")

    def handle(self, *args, **options):
        archive = Path(options["archive"] or f"backup-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.tar")
        try:
            manifest = backup_create(path=archive, media=not options["no_media"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = archive.stat().st_size
        self.stdout.write(self.style.SUCCESS(
            f"Backed up database {manifest['database']} (PostgreSQL {manifest['server_major']}, pg_dump "
            f"{manifest['pg_dump_major']})" + (" and the media folders" if manifest["media"] else "")
            + f" to {archive} ({size / 1e6:.1f} MB)."))
