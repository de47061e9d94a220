"""Check every stored PDF against the SHA-256 recorded when it was made (after a restore,
or whenever in doubt); with --repair, make the current ones that fail again and remove the
files of replaced copies that are still stored."""

import sys

from django.core.management.base import BaseCommand

from intake.models import SummaryDocument
from intake.summary_services import summary_documents_verify

AUDIENCE = {SummaryDocument.Audience.STAFF: "practice copy", SummaryDocument.Audience.CLIENT: "client's copy"}


class Command(BaseCommand):
    help = "Verify every stored PDF summary against its recorded SHA-256."

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair",
            action="store_true",
            help="make again each current PDF that fails; remove files of replaced copies still stored",
        )

    def handle(self, *args, **options):
        report = summary_documents_verify(repair=options["repair"])
        for problem in report.problems:
            which = AUDIENCE.get(problem.audience, problem.audience)
            state = "current" if problem.current else "an older copy, replaced since"
            self.stdout.write(
                f"Intake {problem.intake_id}, {which} ({state}): {problem.kind}  [{problem.name}]"
            )
        current = [p for p in report.problems if p.current]
        self.stdout.write(
            f"{report.checked} PDFs checked: {report.intact} intact, {len(report.problems)} missing or "
            f"altered ({len(current)} of them current), {report.repaired} made again."
        )
        if report.superseded_removed:
            self.stdout.write(f"Files removed of replaced copies still stored: {report.superseded_removed}.")
        if current and report.repaired < len(current):
            self.stderr.write(
                "Some current PDFs are missing or altered. Run `manage.py documents_verify --repair` "
                "to make them again from the intake."
            )
            sys.exit(1)
