"""Step 5 as a test reads it: every screen, one after another."""

from django.urls import reverse


def questionnaire_pages(client) -> str:
    """Every screen of step 5 (one questionnaire, or part of a long one, per screen), as one text."""
    url = reverse("intake:step", kwargs={"number": 5})
    pages = []
    for part in range(1, 30):
        html = client.get(f"{url}?part={part}").content.decode()
        if f'name="part" value="{part}"' not in html:
            break
        pages.append(html)
    return "\n".join(pages)
