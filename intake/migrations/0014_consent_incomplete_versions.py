"""Versions published with a placeholder are marked, and the Colorado disclosure is completed.

Version 1 of the Colorado disclosure said "[to be completed by the practice before use]" where
the therapist's degrees, credentials and licence belong, and clients signed it. A signed
version never changes, so it is marked (incomplete_reason): the therapist is told to ask again,
and each client is asked to sign the complete version, published here as the next version.
The licence numbers and schools below are the demo practice's fictional details.
"""

import re

from django.db import migrations, models

BRACKETED = re.compile(r"\[[^\[\]\n]{1,200}\]")

DISCLOSURE_REASON = "the therapists' degrees, credentials and licence numbers were missing"
OTHER_REASON = "part of it was left unfinished"

OLD_THERAPIST_PART = """\
Your therapist
Stephanie Poole, Licensed Clinical Social Worker (LCSW), {practice_name}.
Degrees, credentials and Colorado licence number: [to be completed by the practice before use].
Business address: {practice_address}. Business phone: {practice_phone}.
"""

NEW_THERAPIST_PART = """\
The therapists at {practice_name}
Business address: {practice_address}. Business phone: {practice_phone}.

Stephanie Poole, Licensed Clinical Social Worker (LCSW), Colorado licence number CSW.09924517.
Degree: Master of Social Work (MSW), University of Denver, 2011. A Colorado LCSW holds a \
master's or doctoral degree in social work, has completed at least two years and 3,360 hours of \
supervised clinical practice after that degree, and has passed the national clinical \
examination and the Colorado jurisprudence examination. Further training: Perinatal Mental \
Health certification (PMH-C), Postpartum Support International, 2019.

Maya Herrera, Licensed Professional Counselor (LPC), Colorado licence number LPC.00187342.
Degree: Master of Arts in Clinical Mental Health Counseling, Regis University, 2015. A Colorado \
LPC holds a master's or doctoral degree in professional counseling, has completed at least two \
years and 2,000 hours of supervised practice after that degree, and has passed the national \
counselor examination and the Colorado jurisprudence examination. Further training: perinatal \
loss and bereavement care, Resolve Through Sharing, 2018.
"""

OLD_BOARD_PART = """\
the Colorado Department of Regulatory Agencies, State Board of Social Work Examiners. You can \
contact the Board at: Colorado State Board of Social Work Examiners, Division of Professions and \
Occupations, 1560 Broadway, Suite 1350, Denver, CO 80202; phone (303) 894-7800.
"""

NEW_BOARD_PART = """\
the Colorado Department of Regulatory Agencies: social workers by the State Board of Social Work \
Examiners, and professional counselors by the State Board of Licensed Professional Counselor \
Examiners. You can contact either Board at the Division of Professions and Occupations, \
1560 Broadway, Suite 1350, Denver, CO 80202; phone (303) 894-7800.
"""


def _complete(body: str) -> str | None:
    """The seeded version 1 with the missing part written, or None for any other text."""
    if OLD_THERAPIST_PART not in body or OLD_BOARD_PART not in body:
        return None
    return body.replace(OLD_THERAPIST_PART, NEW_THERAPIST_PART).replace(OLD_BOARD_PART, NEW_BOARD_PART)


def forward(apps, schema_editor):
    ConsentDocument = apps.get_model("intake", "ConsentDocument")
    for document in ConsentDocument.objects.order_by("kind", "version"):
        if document.incomplete_reason or not BRACKETED.search(document.body):
            continue
        disclosure = document.kind == "co_mandatory_disclosure"
        document.incomplete_reason = DISCLOSURE_REASON if disclosure else OTHER_REASON
        document.save(update_fields=["incomplete_reason"])
        completed = _complete(document.body) if document.is_current else None
        if completed is None:
            continue  # a text the practice wrote: the admin finishes it as a new version
        document.is_current = False
        document.save(update_fields=["is_current"])
        latest = ConsentDocument.objects.filter(kind=document.kind).order_by("-version").first()
        ConsentDocument.objects.create(
            kind=document.kind,
            version=latest.version + 1,
            title=document.title,
            body=completed,
            is_current=True,
        )


class Migration(migrations.Migration):
    dependencies = [("intake", "0013_remove_riskflag_alert_claimed_at")]

    operations = [
        migrations.AddField(
            model_name="consentdocument",
            name="incomplete_reason",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="why this version was incomplete"
            ),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
