"""Bring back the database and the private files from one backup (see portal.backup).

Stop the web app and the workers first: a restore replaces what they are using.
"""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from portal.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore the database and the private files from an encrypted backup, then verify the documents."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--passphrase-file", help="default: $PORTAL_BACKUP_PASSPHRASE_FILE")
        parser.add_argument("--database-url", help="restore into this database instead (to try a restore)")
        parser.add_argument("--storage-dir", help="restore the files into this folder instead")

    def handle(self, *args, **options):
        try:
            manifest = backup_restore(
                archive=Path(options["archive"]),
                passphrase_file=options["passphrase_file"],
                database_url=options["database_url"],
                storage_dir=Path(options["storage_dir"]) if options["storage_dir"] else None,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: {manifest['database']} database, "
            f"{len(manifest['files'])} files, each matching its recorded SHA-256."
        )
        if not options["database_url"] and not options["storage_dir"]:
            self.stdout.write("Checking every stored PDF against its recorded SHA-256:")
            call_command("documents_verify", stdout=self.stdout)
        else:
            self.stdout.write(
                "A trial restore: the live data was not touched, and the PDF check was skipped "
                "(it reads the live database)."
            )
