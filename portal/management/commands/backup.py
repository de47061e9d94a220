"""Write one encrypted backup of the database and the private files (see portal.backup)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and private files into one archive encrypted with the practice's passphrase."

    def add_arguments(self, parser):
        parser.add_argument(
            "--out", default=str(Path(settings.VAR_DIR) / "backups"), help="folder for the archive"
        )
        parser.add_argument("--passphrase-file", help="default: $PORTAL_BACKUP_PASSPHRASE_FILE")

    def handle(self, *args, **options):
        try:
            result = backup_create(out_dir=Path(options["out"]), passphrase_file=options["passphrase_file"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written: {result.path} ({result.vendor} database, {result.files} files)")
