from django.urls import path

from . import views

urlpatterns = [
    path("permits/", views.index, name="permits_index"),
    path("permits/apply/", views.apply, name="permit_apply"),
    path("permits/<id:pk>/", views.detail, name="permit_detail"),
    path("permits/<id:pk>/scans/<id:scan_id>/", views.scan, name="permit_scan"),
    path("permits/<id:pk>/decide/", views.decide, name="permit_decide"),
    path("permits/<id:pk>/endorse/", views.endorse, name="permit_endorse"),
    path("permits/<id:pk>/application.pdf", views.permit_pdf, {"kind": "application"}, name="permit_application_pdf"),
    path("permits/<id:pk>/decision.pdf", views.permit_pdf, {"kind": "decision"}, name="permit_decision_pdf"),
    path("permits/<id:pk>/card.pdf", views.permit_pdf, {"kind": "card"}, name="permit_card_pdf"),
    path("permits/registrations/<id:pk>/complete/", views.complete_registration, name="registration_complete"),
    path("permits/registrations/<id:pk>/voucher.pdf", views.voucher_pdf, name="registration_voucher_pdf"),
    path("check/permit/<str:permit_token>/", views.public, name="permit_public"),
]
