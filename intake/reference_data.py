"""The agreements a new practice starts with: the first version of each, written for it.

The seed only creates an agreement that is missing, so editing a text here changes no database
that already has it: a later change is a new version made through the admin
(consent_document_revise), and every signed version stays exactly as it was signed.
Placeholders in braces are filled in from the practice's details when shown.

Imported by a data migration, so this module imports no models: it is given the model (the
migration's historical one, or the current one) and uses only fields that existed when the
migration was written.
"""

INFORMED_CONSENT = """\
Welcome. Before we begin working together, we want you to know what therapy here looks like, \
so that you can decide with full information. Please read this at your own pace, and ask us \
about anything that is unclear.

What therapy is
Therapy is a space to talk about what you are carrying, at a pace that feels right for you. \
Together we will work out what you are hoping for and how we might get there. Therapy can bring \
relief, understanding and new ways of coping. It can also stir up painful feelings for a while, \
especially when we talk about loss. Both are a normal part of the work, and you can always tell \
us if something feels like too much.

Sessions
We will agree together on how often we meet and how long sessions last. You can meet with us in \
person at our Denver office, or by video if you are physically in Colorado during the session. \
If you need to cancel, please let \
us know as early as you can. We will explain our fees and cancellation policy before your first \
session, and you may ask about fees at any time.

Your choices
Taking part in therapy is your choice. You may ask questions about how we work, choose not to \
answer any question, ask for a referral to someone else, or stop therapy at any time.

Between sessions and in a crisis
{practice_name} is not an emergency service, and messages sent through this portal or by email \
may not be read until the next working day. If you are in danger or thinking about harming \
yourself, please call or text 988, call Colorado Crisis Services on 1-844-493-8255, or call 911.

Confidentiality
What you share with us stays private, with a few exceptions that the law requires. These are \
explained in the Colorado mandatory disclosure and in our notice of privacy practices.

Contact
{practice_name}, {practice_address}. Phone {practice_phone}. Email {practice_email}.

By signing, you confirm that you have read this, that you have had the chance to ask \
questions, and that you agree to begin therapy with {practice_name}.
"""

CO_MANDATORY_DISCLOSURE = """\
Colorado law asks every psychotherapist to give clients this information in writing at the \
first contact (C.R.S. 12-245-216). Please read it and keep a copy.

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

Who regulates your therapist
The practice of licensed or registered persons in the field of psychotherapy is regulated by \
the Colorado Department of Regulatory Agencies: social workers by the State Board of Social Work \
Examiners, and professional counselors by the State Board of Licensed Professional Counselor \
Examiners. You can contact either Board at the Division of Professions and Occupations, \
1560 Broadway, Suite 1350, Denver, CO 80202; phone (303) 894-7800.

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

TELEHEALTH = """\
Meeting by video can make therapy easier to fit into your life. Here is what it involves.

Where you are
We can meet by video only while you are physically in Colorado during the session. Please tell \
us at the start of each session where you are, in case we need to send help.

Privacy
We use a secure video service meant for health care. Please join from a private space where you \
will not be overheard, and on a device and network you trust. Sessions are not recorded by us, \
and we ask that you do not record them either.

If the connection fails
If the call drops, we will try to reconnect. If we cannot, we will call you on the phone number \
you gave us.

Safety
At the start of telehealth, we will agree on an emergency contact and the nearest emergency \
services where you usually join from. If you are in danger, call 911.

Your choice
Telehealth is optional. You may ask to meet in person at {practice_address} instead, at any time. \
Telehealth has benefits and some risks (such as a technical failure or someone overhearing), and \
it may not suit every situation; we will tell you if we think in-person care would serve you better.

By signing, you agree to receive therapy by video with {practice_name} on these terms.
"""

PRIVACY_NOTICE = """\
This notice describes how your health information may be used and disclosed, and how you can get \
access to it. Please review it carefully.

How we use your information
We use your information to provide your care, to arrange payment, and to run the practice (for \
example, scheduling and keeping records as the law requires). We share only the minimum needed: \
for instance, the person who schedules your appointments sees your contact details, not what you \
tell your therapist.

When we may share it without your permission
When the law requires it, to prevent a serious threat to health or safety, to report suspected \
abuse or neglect, for health oversight, or in response to a court order. Other uses need your \
written permission, which you can take back at any time.

Your rights
You may ask to see or get a copy of your records, ask us to correct them, ask for a list of \
certain disclosures, ask us to limit what we share, ask us to contact you in a particular way or \
at a particular place, and get a paper copy of this notice.

Keeping your records
We keep records safely for at least seven years after our last contact, as Colorado rules require.

Questions or concerns
Please contact {practice_name} at {practice_phone} or {practice_email}. If you believe your \
privacy rights have been violated, you may complain to us or to the U.S. Department of Health and \
Human Services, Office for Civil Rights. You will never be treated differently for making a complaint.

By signing, you confirm that you have received this notice of privacy practices.
"""

COMMUNICATIONS = """\
This explains how {practice_name} may contact you by email, text message and voicemail. You \
chose which of these we may use in "About you"; this agreement covers only the ones you said yes to.

What we send
Appointment confirmations, reminders and changes, a link to join a video session, and replies \
to messages you send us. We keep these short. They never say why you are seeing us, and we do \
not discuss your care by email or text: we save that for your sessions or a phone call.

Voicemail
If you said we may leave a voicemail, we leave only our name, {practice_name}, and a number to \
call back, with nothing about your care.

Email and text are not fully private
Email and text messages can be read by others: someone who uses or sees your phone or computer, \
your employer if you use a work address, or anyone who gets into your account. They can also go \
astray if an address or number is mistyped. We use secure services, but we cannot make ordinary \
email and text completely private. If that worries you, say no to them; we will call you instead.

Not for emergencies
We may not read messages until the next working day. If you are in danger or thinking about \
harming yourself, call or text 988, call Colorado Crisis Services on 1-844-493-8255, or call 911.

Changing your choices
You can change your choices at any time: while your intake is open, in "About you"; after that, \
by telling us at {practice_phone}, at {practice_email} or at your next session. We follow your \
new choice from then on.

By signing, you agree that {practice_name} may contact you in the ways you chose, on these terms.
"""

CANCELLATION_POLICY = """\
Your session time is kept for you alone, so we ask for notice when you cannot come.

Cancelling or moving a session
Please let us know at least {cancellation_notice_hours} hours before your session starts if you \
need to cancel or move it. You can do this in the portal, by calling {practice_phone} or by \
emailing {practice_email}. There is no charge when you give this much notice.

Late cancellations and missed sessions
A session cancelled with less notice than that, or missed without notice, has a fee of \
{late_cancellation_fee}. Insurance does not pay this fee.

When life gets in the way
Illness, a family emergency, bad roads or a hard day with grief happen. Tell us what happened: \
we may waive the fee when something could not be foreseen, and we will not charge you for a \
session you missed because you needed urgent care.

If we have to cancel
If your therapist has to cancel, we will tell you as early as we can and offer you another time, \
with no charge to you.

By signing, you agree to this cancellation and missed session policy.
"""

DOCUMENTS = [
    ("informed_consent", "Consent to therapy", INFORMED_CONSENT),
    ("co_mandatory_disclosure", "Colorado mandatory disclosure statement", CO_MANDATORY_DISCLOSURE),
    ("telehealth", "Consent to telehealth", TELEHEALTH),
    ("privacy_notice", "Notice of privacy practices", PRIVACY_NOTICE),
    ("communications", "Consent to email, text and voicemail", COMMUNICATIONS),
    ("cancellation_policy", "Cancellation and missed session policy", CANCELLATION_POLICY),
]


def consent_documents_seed(consent_document_model) -> None:
    """Create version 1 of each agreement that has no version yet (safe to run again). Takes
    the model class so a migration can pass its historical model."""
    for kind, title, body in DOCUMENTS:
        if not consent_document_model.objects.filter(kind=kind).exists():
            consent_document_model.objects.create(
                kind=kind, version=1, title=title, body=body, is_current=True
            )
