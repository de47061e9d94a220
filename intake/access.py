"""How client views reach intake records. Each narrows to the signed-in client's own
intake first, so any other id answers 404 and reveals nothing.

(These belong beside the other access rules in portal/access.py; they live here until the
lead moves them, to keep portal free of intake's internals.)
"""

from portal.access import object_or_404
from portal.models import User

from .models import ConsentDocument, Intake, PregnancyEntry
from .services import intake_get_or_start


def intake_for_client(*, user: User, request=None) -> Intake:
    """The signed-in client's own intake, started on first use."""
    return intake_get_or_start(client=user, request=request)


def pregnancy_entry_for_client(*, user: User, pk) -> PregnancyEntry:
    """One entry of the client's own pregnancy history, else 404."""
    return object_or_404(PregnancyEntry.objects.select_related("intake"), pk=pk, intake__client=user)


def consent_document_current(*, pk) -> ConsentDocument:
    """A current agreement (any client may read and sign it), else 404."""
    return object_or_404(ConsentDocument.objects.filter(is_current=True), pk=pk)
