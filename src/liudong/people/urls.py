from django.urls import path

from . import views, views_housing, views_person, views_visits
from .imports import views as views_import

urlpatterns = [
    path("", views.home, name="home"),
    path("people/", views.search, name="person_search"),
    path("people/new/", views.register, name="person_register"),
    path("people/import/template.xlsx", views_import.import_template_xlsx, name="person_import_template"),
    path("people/<id:pk>/", views_person.detail, name="person_detail"),
    path("people/<id:pk>/edit/", views_person.edit, name="person_edit"),
    path("people/<id:pk>/print/", views_person.print_view, name="person_print"),
    path("people/<id:pk>/arrival/", views_person.arrival, name="person_arrival"),
    path("people/<id:pk>/move/", views_person.move, name="person_move"),
    path("people/<id:pk>/return/", views_person.return_home, name="person_return"),
    path("people/<id:pk>/residences/<id:residence_id>/departure/", views_person.departure, name="person_departure"),
    path("people/<id:pk>/family/", views_person.family, name="person_family"),
    path("people/<id:pk>/family/<id:relative_id>/care/", views_visits.family_care, name="person_family_care"),
    path("people/<id:pk>/visits/", views_visits.visit, name="person_visit"),
    path("people/follow-up/", views_visits.follow_up, name="person_follow_up"),
    path("housing/", views_housing.housing_list, name="housing_list"),
    path("housing/new/", views_housing.housing_new, name="housing_new"),
    path("housing/<id:pk>/", views_housing.housing_detail, name="housing_detail"),
    path("housing/<id:pk>/edit/", views_housing.housing_edit, name="housing_edit"),
    path("housing/<id:pk>/close/", views_housing.housing_close, name="housing_close"),
    path("employers/", views_housing.employer_list, name="employer_list"),
    path("employers/new/", views_housing.employer_new, name="employer_new"),
    path("employers/<id:pk>/", views_housing.employer_detail, name="employer_detail"),
    path("employers/<id:pk>/edit/", views_housing.employer_edit, name="employer_edit"),
    path("employers/<id:pk>/close/", views_housing.employer_close, name="employer_close"),
]
