"""What every Django admin page of the portal shares."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from .text import TypedEmailField, TypedTextField

MSG_ACTION_ROWS_UNKNOWN = _(
    "Those rows could not be found, so nothing was changed. Please choose them again."
)


class PortalModelAdmin(admin.ModelAdmin):
    """Text typed in admin is kept as the portal's own forms keep it: without the direction
    controls that would turn the practice's name, an office or a therapist's credentials
    around on every page that shows them. (Admin's widgets stay: these add to its defaults.)"""

    formfield_overrides = {
        models.CharField: {"form_class": TypedTextField},
        models.TextField: {"form_class": TypedTextField},
        # Subclasses of CharField that must keep their own checks.
        models.EmailField: {"form_class": TypedEmailField},
        models.URLField: {"form_class": forms.URLField},
        models.SlugField: {"form_class": forms.SlugField},
    }

    def response_action(self, request, queryset, **kwargs):
        """An action on rows that cannot exist (an edited form) says so instead of failing."""
        primary_key = self.model._meta.pk
        _lowest, highest = connection.ops.integer_field_range(primary_key.get_internal_type())
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                number = primary_key.to_python(value)
                # Ids start at 1 and fit the column: anything else is no row (and a number too
                # large for the database would fail there).
                if isinstance(number, int) and not (number >= 1 and (highest is None or number <= highest)):
                    raise ValidationError("out of range")
        except ValidationError:
            self.message_user(request, MSG_ACTION_ROWS_UNKNOWN, messages.WARNING)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset, **kwargs)
