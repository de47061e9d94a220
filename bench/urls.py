"""The project's URLs plus two floors every page is measured against: a hello-world view,
and the shell of a staff page (the base layout with nothing in it) for a signed-in staff
member."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from portal import access
from portal.urls import urlpatterns as project_urlpatterns

# The base layout (header, role flags, the header's flag counts, crisis footer) and nothing
# else: what every staff page costs before its own work.
STAFF_SHELL = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<p>Hello, world</p>{% endblock content %}'
)


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


@access.clinical_staff_required
def staff_hello(request):
    return HttpResponse(STAFF_SHELL.render({}, request))


urlpatterns = [
    path("__bench__/hello/", hello, name="bench_hello"),
    path("__bench__/staff-hello/", staff_hello, name="bench_staff_hello"),
    *project_urlpatterns,
]
