"""Demo credentials for the demo therapists (called by `manage.py seed_demo` through
IntakeConfig.demo_seed), so the Colorado disclosure clients sign is written from them.
Fictional: the people and licence numbers are the demo practice's, not anyone's (the numbers
start 999, a range the Colorado register has not reached)."""

from portal.models import TherapistCredentials, User

from .consent_services import consent_documents_republish, therapist_credentials_save

DEMO_CREDENTIALS = {
    "stephanie@demo.example": {
        "licence": "Licensed Clinical Social Worker (LCSW)",
        "licence_number": "CSW.99904517",
        "degrees": "Master of Social Work (MSW), University of Denver, 2011.",
        "licence_requires": (
            "A master's or doctoral degree in social work, at least two years and 3,360 hours of "
            "supervised clinical practice after that degree, and passing the national clinical "
            "examination and the Colorado jurisprudence examination."
        ),
        "further_training": (
            "Perinatal Mental Health certification (PMH-C), Postpartum Support International, 2019."
        ),
    },
    "maya@demo.example": {
        "licence": "Licensed Professional Counselor (LPC)",
        "licence_number": "LPC.99907342",
        "degrees": "Master of Arts in Clinical Mental Health Counseling, Regis University, 2015.",
        "licence_requires": (
            "A master's or doctoral degree in professional counseling, at least two years and 2,000 "
            "hours of supervised practice after that degree, and passing the national counselor "
            "examination and the Colorado jurisprudence examination."
        ),
        "further_training": "Perinatal loss and bereavement care, Resolve Through Sharing, 2018.",
    },
}


# Fictional NPIs, valid by their check digit (portal.validators.validate_npi) like real ones.
DEMO_NPI = {"stephanie@demo.example": "1847520933", "maya@demo.example": "1296384757"}


def demo_credentials_seed() -> None:
    """Each demo therapist's credentials (left alone once there), then every agreement
    written from them and from the demo practice's details."""
    for email, data in DEMO_CREDENTIALS.items():
        therapist = User.objects.filter(email=email, role=User.Role.THERAPIST).first()
        if therapist is not None and not TherapistCredentials.objects.filter(user=therapist).exists():
            therapist_credentials_save(therapist=therapist, data=data, actor=None)
        if therapist is not None:
            TherapistCredentials.objects.filter(user=therapist, npi="").update(npi=DEMO_NPI[email])
    consent_documents_republish(actor=None)
