from django.urls import path

from . import views

urlpatterns = [
    path("policy/", views.index, name="policy_index"),
    path("policy/adopt/", views.adopt, name="policy_adopt"),
    path("policy/set/", views.set_value, name="policy_set"),
    path("calendar/", views.calendar_index, name="calendar_index"),
]
