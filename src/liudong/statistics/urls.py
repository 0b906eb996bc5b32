from django.urls import path

from . import views

urlpatterns = [
    path("statistics/", views.index, name="statistics_index"),
    path("statistics/bulletins/", views.bulletin_list, name="statistics_bulletins"),
    path("statistics/bulletins/<id:pk>/", views.bulletin_page, name="statistics_bulletin"),
    path("statistics/bulletins/<id:pk>/bulletin.pdf", views.bulletin_pdf, name="statistics_bulletin_pdf"),
    path("statistics/assessment/<str:code>/<str:year>/", views.assessment_sheet, name="statistics_assessment"),
    path("statistics/assessment/<str:code>/<str:year>/assessment.xlsx", views.assessment_xlsx, name="statistics_assessment_xlsx"),
    path("statistics/assessment/<str:code>/<str:year>/assessment.pdf", views.assessment_pdf, name="statistics_assessment_pdf"),
    path("statistics/tasks/", views.tasks_index, name="statistics_tasks_index"),
    path("statistics/tasks/<str:code>/<str:period>/", views.tasks_page, name="statistics_tasks"),
    path("statistics/tasks/<str:code>/<str:period>/set/", views.task_set, name="statistics_task_set"),
    path("statistics/tasks/<str:code>/<str:period>/tasks.xlsx", views.tasks_xlsx, name="statistics_tasks_xlsx"),
    path("statistics/<str:code>/<str:period>/", views.report, name="statistics_report"),
    path("statistics/<str:code>/<str:period>/report.xlsx", views.report_xlsx, name="statistics_report_xlsx"),
    path("statistics/<str:code>/<str:period>/submit/", views.submit, name="statistics_submit"),
    path("statistics/<str:code>/<str:period>/approve/", views.approve, name="statistics_approve"),
    path("statistics/<str:code>/<str:period>/return/", views.return_report, name="statistics_return"),
]
