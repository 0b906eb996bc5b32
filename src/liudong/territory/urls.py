from django.urls import path

from . import views

urlpatterns = [
    path("grids/", views.grid_list, name="grid_list"),
    path("grids/<id:pk>/edit/", views.grid_edit, name="grid_edit"),
]
