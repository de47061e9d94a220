from django.core.mail import EmailMessage

from portal.mail import ReadableFileEmailBackend


def test_local_mail_files_show_the_link_unwrapped(tmp_path):
    link = "http://127.0.0.1:8000/accounts/confirm-email/" + "A" * 120 + "/"
    message = EmailMessage(
        "Please confirm", f"Open this link:\n\n{link}\n", "p@example.com", ["c@example.com"]
    )

    ReadableFileEmailBackend(file_path=str(tmp_path)).send_messages([message])

    written = next(tmp_path.iterdir()).read_text()
    assert link in written
    assert written.startswith("To: c@example.com\nSubject: Please confirm")
