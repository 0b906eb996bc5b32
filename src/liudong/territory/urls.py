from django.urls import path

from . import views, views_pick

urlpatterns = [
    path("grids/", views.grid_list, name="grid_list"),
    path("grids/<id:pk>/edit/", views.grid_edit, name="grid_edit"),
    path("divisions/pick/", views_pick.division_pick, name="division_pick"),
]
