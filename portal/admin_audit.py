"""Django admin pages that show a client's name or contact write audit rows, as portal pages do.

A list page writes one row per client shown, in one INSERT; a page about one record (its
change page, its history, its delete confirmation) writes one row. Pages that show no client
write nothing.
"""

from django.template.response import TemplateResponse

from .admin_base import PortalModelAdmin
from .audit import audit_record, audit_record_many
from .models import AuditEvent, User


class AuditedModelAdmin(PortalModelAdmin):
    """Subclasses say which client, if any, a record shows (``audit_client_of``)."""

    def audit_client_of(self, obj) -> User | None:
        raise NotImplementedError

    @property
    def audit_object_type(self) -> str:
        return self.opts.model_name

    def _audit_list(self, request, response, objects, detail: str) -> None:
        records = [(obj.pk, client) for obj in objects if (client := self.audit_client_of(obj)) is not None]
        if records:
            audit_record_many(
                actor=request.user,
                action=AuditEvent.Action.VIEW,
                object_type=self.audit_object_type,
                records=records,
                detail=detail,
                request=request,
            )

    def _audit_one(self, request, response, detail: str) -> None:
        if not isinstance(response, TemplateResponse) or response.status_code != 200:
            return
        context = response.context_data or {}
        obj = context.get("original") or context.get("object")
        if obj is None or (client := self.audit_client_of(obj)) is None:
            return
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.VIEW,
            object_type=self.audit_object_type,
            object_id=obj.pk,
            client=client,
            detail=detail,
            request=request,
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if isinstance(response, TemplateResponse) and response.status_code == 200:
            context = response.context_data or {}
            if (changelist := context.get("cl")) is not None:
                # The page's own queryset: iterating it here fills the cache the template reads.
                self._audit_list(request, response, changelist.result_list, "listed in Django admin")
            elif (queryset := context.get("queryset")) is not None:
                # An action's confirmation page (delete selected) lists what it would touch.
                self._audit_list(request, response, queryset, "listed for an action in Django admin")
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        self._audit_one(request, response, "opened in Django admin")
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        self._audit_one(request, response, "history opened in Django admin")
        return response

    def delete_view(self, request, object_id, extra_context=None):
        response = super().delete_view(request, object_id, extra_context)
        self._audit_one(request, response, "delete confirmation opened in Django admin")
        return response
