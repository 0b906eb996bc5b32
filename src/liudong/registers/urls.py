from django.urls import path

from . import views

# R3: the register page, and its printable (PDF) and exportable (.xlsx) files.
urlpatterns = [
    path("registers/", views.register_page, name="registers"),
    path("registers/<str:kind>.xlsx", views.register_file, {"fmt": "xlsx"}, name="register_xlsx"),
    path("registers/<str:kind>.pdf", views.register_file, {"fmt": "pdf"}, name="register_pdf"),
]
