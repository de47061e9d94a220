"""The project's URLs plus a hello-world view: the floor every page is measured against."""

from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as project_urlpatterns


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("__bench__/hello/", hello, name="bench_hello"), *project_urlpatterns]
