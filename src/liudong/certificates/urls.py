from django.urls import path

from . import views

urlpatterns = [
    # The public verification page (C6, issue 10): no log-in, an unguessable token, rate-limited.
    path("v/<str:token>/", views.public_check, name="certificate_public"),
    path("certificates/", views.due_page, name="certificate_due"),
    path("certificates/<id:pk>/", views.detail_page, name="certificate_detail"),
    path("certificates/<id:pk>/certificate.pdf", views.pdf_page, name="certificate_pdf_page"),
]

# The staff forms (issue 10): each runs one service of certificates.services.
urlpatterns += [
    path("certificates/<id:pk>/verify/", views.verify_page, name="certificate_verify"),
    path("certificates/<id:pk>/entries/", views.entry_page, name="certificate_entry"),
    path("certificates/<id:pk>/renew/", views.renew_page, name="certificate_renew"),
    path("certificates/<id:pk>/reissue/", views.reissue_page, name="certificate_reissue"),
    path("certificates/<id:pk>/revoke/", views.revoke_page, name="certificate_revoke"),
    path("certificates/issue/<id:person_id>/", views.issue_page, name="certificate_issue"),
    path("certificates/status-proof/<id:person_id>/", views.status_proof_page, name="certificate_status_proof"),
    path("certificates/status-proofs/<id:proof_id>/proof.pdf", views.status_proof_pdf_page, name="certificate_status_proof_pdf"),
]

# 上门: door-to-door applications (C1, C2, part 8 四): a village takes them, the township decides.
urlpatterns += [
    path("certificates/applications/", views.applications_page, name="certificate_applications"),
    path("certificates/applications/new/<id:person_id>/", views.application_new_page, name="certificate_application_new"),
    path("certificates/applications/<id:pk>/", views.application_page, name="certificate_application"),
    path("certificates/applications/<id:pk>/issue/", views.application_issue_page, name="certificate_application_issue"),
    path("certificates/applications/<id:pk>/refuse/", views.application_refuse_page, name="certificate_application_refuse"),
]
