from django.urls import path

from . import views

urlpatterns = [
    path("services/", views.index, name="services_index"),
    path("services/checks/new/", views.check_new, name="services_check_new"),
    path("services/checks/<id:pk>/slip.pdf", views.slip_pdf, name="services_slip_pdf"),
    path("services/register.pdf", views.register_pdf, name="services_register_pdf"),
    path("services/women/<id:pk>/", views.person, name="services_person"),
    path("services/outflow/", views.outflow, name="services_outflow"),
    path("services/catalogue/", views.catalogue, name="services_catalogue"),
    path("services/distributions/", views.distributions, name="services_distributions"),
    path("services/distributions/book.pdf", views.distribution_book_pdf, name="services_book_pdf"),
    # Public (S2, S6): no log-in, nothing about any person but a slip's masked name.
    path("services/institutions/", views.institutions, name="services_institutions"),
    path("services/institutions.pdf", views.institutions_pdf, name="services_institutions_pdf"),
    path("services/slip/<str:slip_token>/", views.slip_check, name="services_slip_check"),
]
