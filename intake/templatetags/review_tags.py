"""Small display helpers for the therapist review pages."""

from django import template
from django.utils.translation import gettext_lazy as _

from intake.models import Intake

register = template.Library()

_SERVICE_LABELS = dict(Intake.Service.choices)
# Short labels for the queue, where the client's long wording would not fit.
_SERVICE_SHORT = {
    Intake.Service.LOSS: _("Loss"),
    Intake.Service.POSTPARTUM: _("Postpartum"),
    Intake.Service.PREGNANCY_ANXIETY: _("Pregnancy anxiety"),
    Intake.Service.PARTNER: _("Partner"),
    Intake.Service.GROUP: _("Group"),
}


@register.filter
def service_labels(slugs) -> list[str]:
    """The labels of a list of service slugs, as the client saw them."""
    return [str(_SERVICE_LABELS.get(slug, slug)) for slug in slugs or []]


@register.filter
def service_short(slug) -> str:
    return str(_SERVICE_SHORT.get(slug) or _SERVICE_LABELS.get(slug, slug))
