from django.contrib import admin
from django.urls import include, path, register_converter

from liudong.api import api


class RowId:
    """`<id:pk>` in every app: a row id of at most 18 digits; a longer number is a 404, never a
    database overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(RowId, "id")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
    path("", include("liudong.accounts.urls")),
    path("", include("liudong.territory.urls")),
    path("", include("liudong.people.urls")),
    path("", include("liudong.registers.urls")),
    path("", include("liudong.policy.urls")),
    path("", include("liudong.exchange.urls")),
    path("", include("liudong.cases.urls")),
    path("", include("liudong.certificates.urls")),
    path("", include("liudong.permits.urls")),
    path("", include("liudong.jobs.urls")),
    path("", include("liudong.technical.urls")),
    path("", include("liudong.desk.urls")),
    path("", include("liudong.statistics.urls")),
    path("", include("liudong.quality.urls")),
    path("", include("liudong.federation.urls")),
]
