from django.urls import path

from . import views

urlpatterns = [
    path("desk/", views.index, name="desk_index"),
    path("desk/new/", views.new, name="desk_new"),
    path("desk/register/", views.register, name="desk_register"),
    path("desk/verify/", views.verify, name="desk_verify"),
    path("check/query-sheet/<str:code>/", views.public_check, name="desk_public_check"),
    path("desk/consent/", views.consent_tasks, name="desk_consent_tasks"),
    path("desk/consent/<id:pk>/", views.consent_answer, name="desk_consent_answer"),
    path("desk/consent/task/<id:pk>/", views.consent_task_answer, name="desk_consent_task_answer"),
    path("desk/approvals/", views.approvals, name="desk_approvals"),
    path("desk/approvals/<id:pk>/", views.approve, name="desk_approve"),
    path("desk/<id:pk>/", views.detail, name="desk_detail"),
    path("desk/<id:pk>/print/", views.print_view, name="desk_print"),
    path("desk/<id:pk>/acknowledge/", views.acknowledge, name="desk_acknowledge"),
    path("desk/<id:pk>/run/", views.run, name="desk_run"),
    path("desk/<id:pk>/select/", views.select, name="desk_select"),
    path("desk/<id:pk>/application.pdf", views.application_pdf, name="desk_application_pdf"),
    path("desk/<id:pk>/agreement.pdf", views.agreement_pdf, name="desk_agreement_pdf"),
    path("desk/<id:pk>/result.pdf", views.result_pdf, name="desk_result_pdf"),
    path("desk/<id:pk>/scans/<id:scan_pk>", views.scan, name="desk_scan"),
]
