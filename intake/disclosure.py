"""Colorado's mandatory disclosure (C.R.S. 12-245-216), written from the therapists' details.

Pure: the caller reads the details (selectors.disclosure_therapists); consent_services
publishes the text as a new version whenever it comes out different. A group practice's
usual form: every therapist a new client may meet is listed, with her licence and number,
degrees, and the education, experience and training the licence required.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

TITLE = "Colorado mandatory disclosure statement"

ERROR_NO_THERAPISTS = _("No therapist is listed yet: fill in each therapist's credentials first.")
ERROR_THERAPIST_PART_EMPTY = _("%(name)s: %(what)s is empty. Fill it in under Therapists' credentials.")


@dataclass(frozen=True)
class TherapistFacts:
    name: str
    licence: str = ""
    licence_number: str = ""
    degrees: str = ""
    licence_requires: str = ""
    further_training: str = ""


# What is kept of each therapist (portal.TherapistCredentials), besides her name.
CREDENTIAL_FIELDS = ("licence", "licence_number", "degrees", "licence_requires", "further_training")

# The parts the statute asks for, and how a missing one is named to the practice admin.
REQUIRED = {
    "licence": _("the licence"),
    "licence_number": _("the licence number"),
    "degrees": _("the degrees"),
    "licence_requires": _("what the licence requires"),
}


def disclosure_problems(therapists: list[TherapistFacts]) -> list[str]:
    """What is missing before the disclosure can be published (empty: nothing)."""
    if not therapists:
        return [str(ERROR_NO_THERAPISTS)]
    return [
        str(ERROR_THERAPIST_PART_EMPTY % {"name": therapist.name, "what": what})
        for therapist in therapists
        for field, what in REQUIRED.items()
        if not getattr(therapist, field).strip()
    ]


def _therapist_part(therapist: TherapistFacts) -> str:
    lines = [
        f"{therapist.name.strip()}, {therapist.licence.strip()}, "
        f"Colorado licence number {therapist.licence_number.strip()}.",
        f"Degrees: {' '.join(therapist.degrees.split())}",
        f"What this licence requires: {' '.join(therapist.licence_requires.split())}",
    ]
    if therapist.further_training.strip():
        lines.append(f"Further credentials and training: {' '.join(therapist.further_training.split())}")
    return "\n".join(lines)


def disclosure_body(therapists: list[TherapistFacts]) -> str:
    """The disclosure's text, the practice's details left as {details} filled when shown."""
    therapist_parts = "\n\n".join(_therapist_part(t) for t in therapists)
    return f"""\
Colorado law asks every psychotherapist to give clients this information in writing at the \
first contact (C.R.S. 12-245-216). Please read it and keep a copy.

The therapists at {{practice_name}}
Any of the therapists below may be the one you meet. Business address: {{practice_address}}. \
Business phone: {{practice_phone}}.

{therapist_parts}

Who regulates your therapist
The practice of licensed or registered persons in the field of psychotherapy is regulated by \
the Colorado Department of Regulatory Agencies. You can contact the boards that license our \
therapists at: {{regulator_contact}}.

Your rights as a client
- You are entitled to receive information about the methods of therapy, the techniques used, the \
duration of your therapy (if known) and the fee structure. Please ask us at any time.
- You can seek a second opinion from another therapist, or end therapy at any time.
- In a professional relationship, sexual intimacy is never appropriate and should be reported to \
the Board that licenses, registers or certifies the licensee, registrant or certificate holder.

Confidentiality and its limits
Generally speaking, the information you share with your therapist is legally confidential, and \
it will not be shared without your written permission. There are exceptions, set out in C.R.S. \
12-245-220 and other laws. For example, your therapist may have to share information when there \
is a serious and imminent threat of harm to you or to someone else, when child abuse or neglect, \
or abuse of an at-risk adult, is suspected, when a court orders it, or in other situations the \
law requires. If one of these situations comes up, we will talk with you about it whenever we can.

By signing, you confirm that you have received and read this disclosure statement.
"""
