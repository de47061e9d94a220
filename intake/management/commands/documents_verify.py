"""Check every stored PDF against the SHA-256 recorded when it was made (after a restore,
or whenever in doubt); with --repair, make the current ones that fail again."""

from django.core.management.base import BaseCommand, CommandError

from intake.summary_services import summary_documents_verify


class Command(BaseCommand):
    help = "Verify every stored PDF summary against its recorded SHA-256."

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair", action="store_true", help="render again each current document that fails"
        )

    def handle(self, *args, **options):
        report = summary_documents_verify(repair=options["repair"])
        for problem in report.problems:
            self.stdout.write(f"{problem.document_id}: {problem.kind} ({problem.name})")
        self.stdout.write(
            f"{report.checked} documents checked: {report.intact} intact, {len(report.problems)} missing "
            f"or altered, {report.repaired} made again."
        )
        if report.problems and report.repaired < len(report.problems):
            raise CommandError("Some stored documents are missing or altered (listed above).")
