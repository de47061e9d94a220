"""The local mail backend: each email as a file a person can read.

Django's file backend writes the wire format, where long lines such as a confirmation link
are wrapped and escaped (quoted-printable). On a developer's machine the point of the file
is to read it and follow the link, so the plain-text body is written first, as is, then the
full message for anyone who needs the headers or attachments.
"""

from django.core.mail.backends.filebased import EmailBackend


class ReadableFileEmailBackend(EmailBackend):
    def write_message(self, message):
        header = f"To: {', '.join(message.to)}\nSubject: {message.subject}\n\n"
        self.stream.write(header.encode())
        self.stream.write(str(message.body).encode() + b"\n")
        self.stream.write(b"=" * 30 + b" full message below " + b"=" * 29 + b"\n")
        super().write_message(message)
