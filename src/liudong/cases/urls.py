from django.urls import path

from . import views

urlpatterns = [
    path("cases/", views.index, name="cases_index"),
    path("cases/birth/new/", views.birth_new, name="case_birth_new"),
    path("cases/birth/<id:pk>/", views.birth_detail, name="case_birth_detail"),
    path("cases/birth/<id:pk>/decide/", views.birth_decide, name="case_birth_decide"),
    path("cases/birth/<id:pk>/refusal.pdf", views.birth_refusal_pdf, name="case_birth_refusal_pdf"),
    path("cases/second-birth/new/", views.second_birth_new, name="case_second_birth_new"),
    path("cases/second-birth/<id:pk>/", views.second_birth_detail, name="case_second_birth_detail"),
    path("cases/fee/new/", views.fee_new, name="case_fee_new"),
    path("cases/fee/<id:pk>/", views.fee_detail, name="case_fee_detail"),
    path("cases/fee/<id:pk>/answer/", views.fee_answer, name="case_fee_answer"),
    path("cases/messages/<id:pk>/send/", views.message_send, name="case_message_send"),
]
