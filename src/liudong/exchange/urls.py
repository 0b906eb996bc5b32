from django.urls import path

from . import views, views_claims, views_log, views_timeliness

urlpatterns = [
    path("exchange/", views.index, name="exchange_index"),
    path("exchange/new/", views.compose, name="exchange_new"),
    path("exchange/log/", views_log.log_page, name="exchange_log"),
    path("exchange/log.pdf", views_log.log_pdf, name="exchange_log_pdf"),
    path("exchange/<id:pk>/", views.detail, name="exchange_detail"),
    path("exchange/<id:pk>/acknowledge/", views.acknowledge, name="exchange_acknowledge"),
    path("exchange/<id:pk>/reply/", views.reply, name="exchange_reply"),
    path("exchange/<id:pk>/arrival/", views.arrival, name="exchange_arrival"),
    path("exchange/<id:pk>/dispatch/", views.dispatch, name="exchange_dispatch"),
    path("exchange/<id:pk>/close/", views.close, name="exchange_close"),
    path("exchange/<id:pk>/forward/", views.forward, name="exchange_forward"),
    path("exchange/<id:pk>/accept/", views.accept, name="exchange_accept"),
    path("exchange/<id:pk>/dispute/", views.dispute, name="exchange_dispute"),
    path("exchange/<id:pk>/register-person/", views.register_carried, name="exchange_register_carried"),
    path("arrival-claims/", views_claims.arrival_claims, name="arrival_claims"),
    path("arrival-claims/new/", views_claims.arrival_claim_new, name="arrival_claim_new"),
    path("people/<id:pk>/family/propose/", views_claims.family_propose, name="family_propose"),
    path("family-proposals/", views_claims.family_proposals, name="family_proposals"),
    path("exchange/<id:pk>/attachments/<id:aid>/", views.attachment, name="exchange_attachment"),
    path("timeliness/", views_timeliness.timeliness_page, name="timeliness"),
]
