from django.urls import path

from . import views

urlpatterns = [
    path("grids/", views.grid_list, name="grid_list"),
]
