"""Names shared by the scenarios: the floors, the sizes and the bench's own accounts."""

HELLO_FLOOR = "floor: hello-world view, full middleware stack"
PDF_FLOOR = "floor: WeasyPrint, one plain page"
# The same hello-world for a signed-in person: the session and the user are read, as on
# every signed-in page. Reported beside the targets (which use HELLO_FLOOR), never instead.
SIGNED_IN_FLOOR = "floor: hello-world view, signed in (session and user read)"
# A staff member's: the session, the user, her MFA state (every staff request checks it) and
# the base layout with its header (role flags, the same-day flag counts), nothing else.
STAFF_FLOOR = "floor: staff page shell, signed-in therapist (session, user, MFA, header)"
STAFF_FLOOR_EMAIL = "bench-floor-staff@example.com"

# The intakes the staff pages are measured at (--sizes overrides).
SIZES = (1_000, 10_000, 100_000)
THERAPISTS = 10
APPOINTMENTS = 2_000
SUBMITS = 50
THERAPIST_EMAIL = "bench-therapist@example.com"
FRONT_DESK_EMAIL = "bench-desk@example.com"
DRAFT_EMAIL = "bench-draft@example.com"
LOAD_EMAIL = "bench-load@example.com"
REVIEW_EMAIL = "bench-review@example.com"
STAFF_PASSWORD = "bench-Passphrase-1"  # noqa: S105 - a throwaway bench account
TOTP_SECRET = "JBSWY3DPEHPK3PXPBENCHSECRET23456"
