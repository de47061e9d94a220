"""What an audit row says, in words an owner reads: who did what to whom.

Pure: given the row's action, record type and the people named on it, no database. The
record types are every app's (the portal knows them as words only, never their models); one
this table does not know yet is still said plainly ("changed a record of type 'x'").
"""

from django.utils.translation import gettext_lazy as _

# (action, record type) -> what was done; "%(client)s" is whose record, when there is one.
PHRASES = {
    ("create", "appointment"): _("booked an appointment for %(client)s"),
    ("update", "appointment"): _("changed an appointment of %(client)s"),
    ("view", "appointment"): _("opened an appointment of %(client)s"),
    ("view", "calendar_appointment"): _("saw an appointment of %(client)s on the calendar"),
    ("create", "appointment_request"): _("asked for an appointment for %(client)s"),
    ("update", "appointment_request"): _("changed an appointment request of %(client)s"),
    ("view", "appointment_request"): _("opened an appointment request of %(client)s"),
    ("view", "desk_queue_row"): _("saw %(client)s on the front desk's queue"),
    ("create", "intake"): _("started an intake for %(client)s"),
    ("update", "intake"): _("changed the intake of %(client)s"),
    ("submit", "intake"): _("sent the intake of %(client)s to the practice"),
    ("view", "intake"): _("opened the intake of %(client)s"),
    ("view", "intake_queue_row"): _("saw %(client)s in the intake queue"),
    ("create", "pregnancy_entry"): _("added to the history in the intake of %(client)s"),
    ("update", "pregnancy_entry"): _("changed the history in the intake of %(client)s"),
    ("update", "questionnaire_response"): _("saved questionnaire answers of %(client)s"),
    ("sign", "consent_signature"): _("signed an agreement for %(client)s"),
    ("create", "risk_flag"): _("raised a safety flag on the intake of %(client)s"),
    ("update", "risk_flag"): _("acknowledged a safety flag on the intake of %(client)s"),
    ("notify", "risk_flag"): _("alerted the on-call about the intake of %(client)s"),
    ("create", "internal_note"): _("added a note to the intake of %(client)s"),
    ("create", "summary_document"): _("made the PDF summary of %(client)s"),
    ("update", "summary_document"): _("remade the PDF summary of %(client)s"),
    ("download", "summary_document"): _("downloaded the PDF summary of %(client)s"),
    ("notify", "notification"): _("sent a message to %(client)s"),
    ("view", "audit_log"): _("read the audit log"),
    ("export", "audit_log"): _("downloaded the audit log"),
    ("update", "practice"): _("changed the practice's settings"),
    ("create", "consent_document"): _("published a new version of an agreement"),
    ("update", "therapist_credentials"): _("changed the profile of %(target)s"),
    ("create", "session_type"): _("added a session type"),
    ("update", "session_type"): _("changed a session type"),
    ("create", "weekly_availability"): _("added hours of %(target)s"),
    ("update", "weekly_availability"): _("removed hours of %(target)s"),
    ("create", "time_off"): _("added time off of %(target)s"),
    ("update", "time_off"): _("removed time off of %(target)s"),
    ("create", "user"): _("created the staff account of %(target)s"),
    ("update", "user"): _("changed the account of %(target)s"),
    ("role_change", "user"): _("changed the role of %(target)s"),
    ("notify", "user"): _("emailed %(target)s about their account"),
    ("create", "good_faith_estimate"): _("issued a Good Faith Estimate for %(client)s"),
    ("sign", "good_faith_estimate"): _("acknowledged a Good Faith Estimate for %(client)s"),
    ("download", "good_faith_estimate"): _("downloaded a Good Faith Estimate for %(client)s"),
    ("view", "good_faith_estimate"): _("opened a Good Faith Estimate for %(client)s"),
    ("view", "referral_report"): _("viewed the referral report"),
    ("create", "hard_date"): _("added a hard date to the intake of %(client)s"),
    ("update", "hard_date"): _("removed a hard date from the intake of %(client)s"),
    ("create", "insurance_card_image"): _("added a photo of the insurance card of %(client)s"),
    ("update", "insurance_card_image"): _("replaced a photo of the insurance card of %(client)s"),
    ("view", "insurance_card_image"): _("viewed a photo of the insurance card of %(client)s"),
    ("create", "benefits_check"): _("checked the insurance benefits of %(client)s"),
    ("update", "authenticator"): _("changed someone's two-step sign-in"),
    ("sign_in_pause", "sign_in"): _("was paused after failed sign-ins"),
}

# What a client does to her own record, said of her once ("Hannah A. sent her intake").
OWN_PHRASES = {
    ("create", "intake"): _("started her intake"),
    ("update", "intake"): _("saved her intake"),
    ("submit", "intake"): _("sent her intake to the practice"),
    ("view", "intake"): _("opened her intake"),
    ("create", "pregnancy_entry"): _("added to the history in her intake"),
    ("update", "pregnancy_entry"): _("changed the history in her intake"),
    ("update", "questionnaire_response"): _("saved questionnaire answers"),
    ("create", "risk_flag"): _("gave answers that raised a safety flag"),
    ("update", "risk_flag"): _("gave answers that added to a safety flag"),
    ("sign", "consent_signature"): _("signed an agreement"),
    ("create", "appointment_request"): _("asked for an appointment"),
    ("update", "appointment_request"): _("changed her appointment request"),
    ("update", "appointment"): _("changed her appointment"),
    ("download", "summary_document"): _("downloaded her answers"),
    ("update", "user"): _("changed her account"),
    ("sign", "good_faith_estimate"): _("acknowledged her Good Faith Estimate"),
    ("download", "good_faith_estimate"): _("downloaded her Good Faith Estimate"),
    ("create", "hard_date"): _("added a hard date to her intake"),
    ("update", "hard_date"): _("removed a hard date from her intake"),
    ("create", "insurance_card_image"): _("added a photo of her insurance card"),
    ("update", "insurance_card_image"): _("replaced a photo of her insurance card"),
    ("notify", "user"): _("was emailed about her account"),
}

VERBS = {
    "view": _("viewed"),
    "create": _("created"),
    "update": _("changed"),
    "submit": _("sent"),
    "download": _("downloaded"),
    "export": _("exported"),
    "sign": _("signed"),
    "role_change": _("changed the role on"),
    "notify": _("sent a message about"),
    "sign_in_pause": _("paused sign-ins on"),
}

SYSTEM = _("The portal")
SOMEONE = _("someone")
A_CLIENT = _("a client")
HERSELF = _("herself")


def name_short(full_name: str, fallback: str) -> str:
    """A client as the log names her: first name and the initial of her surname ("Hannah A."),
    the least that tells an owner who it was; `fallback` when she gave no name."""
    parts = full_name.split()
    if not parts:
        return fallback
    if len(parts) == 1:
        return parts[0]
    return f"{parts[0]} {parts[-1][0]}."


def audit_sentence(
    *, action: str, object_type: str, actor: str, client: str, by_herself: bool, target: str = ""
) -> str:
    """ "Jordan Ellis booked an appointment for Hannah A.": `actor` and `client` are the names
    to show (an empty actor: the portal itself; an empty client: nobody's record);
    `by_herself` when the client acted on her own record, and is then named once; `target`
    the staff member or account the row is about, when it is not a client's record."""
    who = actor or str(SYSTEM)
    key = (action, object_type)
    if by_herself and key in OWN_PHRASES:
        return f"{who} {OWN_PHRASES[key]}"
    whom = str(HERSELF) if by_herself else client or str(A_CLIENT)
    if key in PHRASES:
        words = {"client": whom, "target": target or client or str(SOMEONE)}
        return f"{who} {str(PHRASES[key]) % words}"
    plain = _("%(verb)s a record: %(type)s") % {
        "verb": VERBS.get(action, action.replace("_", " ")),
        "type": object_type.replace("_", " "),
    }
    if client:
        plain = f"{plain} " + str(_("for %(client)s") % {"client": whom})
    return f"{who} {plain}"
