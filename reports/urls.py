from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_index, name="index"),
    path("city/", views.city_report, name="city"),
    path("city/export.csv", views.city_report_export, name="city_export"),
    path("schools/<str:code>/", views.school_report, name="school"),
    path("schools/<str:code>/export.csv", views.school_report_export, name="school_export"),
]
