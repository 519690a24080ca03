"""The public, read-only pages."""

from django.http import HttpResponse
from django.urls import path


def home(request):
    return HttpResponse("iccwatch")


urlpatterns = [
    path("", home, name="home"),
]
