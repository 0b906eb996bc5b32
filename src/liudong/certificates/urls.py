from django.urls import path

from . import views

urlpatterns = [
    # The public verification page (C6, issue 10): no log-in, an unguessable token, rate-limited.
    path("v/<str:token>/", views.public_check, name="certificate_public"),
    path("certificates/", views.due_page, name="certificate_due"),
    path("certificates/<id:pk>/", views.detail_page, name="certificate_detail"),
    path("certificates/<id:pk>/certificate.pdf", views.pdf_page, name="certificate_pdf_page"),
]
