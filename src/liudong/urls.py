from django.contrib import admin
from django.urls import include, path

from liudong.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
    path("", include("liudong.accounts.urls")),
    path("", include("liudong.divisions.urls")),
    path("", include("liudong.people.urls")),
    path("", include("liudong.registers.urls")),
]
