from django.urls import path

from . import views

urlpatterns = [
    path("nodes/watch/", views.watch_page, name="node_watch"),
]
