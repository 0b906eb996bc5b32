from django.urls import path

from . import views

# Export jobs: ask, watch the progress bar, fetch the file, cancel.
urlpatterns = [
    path("exports/", views.export_list, name="export_list"),
    path("exports/new/", views.export_create, name="export_create"),
    path("exports/<id:pk>/", views.export_detail, name="export_detail"),
    path("exports/<id:pk>/status.json", views.export_status, name="export_status"),
    path("exports/<id:pk>/file", views.export_file, name="export_file"),
    path("exports/<id:pk>/cancel", views.export_cancel, name="export_cancel"),
]
