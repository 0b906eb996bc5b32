from django.urls import path

from . import views

urlpatterns = [
    path("statistics/", views.index, name="statistics_index"),
    path("statistics/bulletins/", views.bulletin_list, name="statistics_bulletins"),
    path("statistics/bulletins/<id:pk>/", views.bulletin_page, name="statistics_bulletin"),
    path("statistics/bulletins/<id:pk>/bulletin.pdf", views.bulletin_pdf, name="statistics_bulletin_pdf"),
    path("statistics/assessment/<str:code>/<str:year>/", views.assessment_sheet, name="statistics_assessment"),
    path("statistics/<str:code>/<str:period>/", views.report, name="statistics_report"),
    path("statistics/<str:code>/<str:period>/report.xlsx", views.report_xlsx, name="statistics_report_xlsx"),
    path("statistics/<str:code>/<str:period>/submit/", views.submit, name="statistics_submit"),
    path("statistics/<str:code>/<str:period>/approve/", views.approve, name="statistics_approve"),
    path("statistics/<str:code>/<str:period>/return/", views.return_report, name="statistics_return"),
]
