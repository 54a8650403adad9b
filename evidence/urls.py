"""Evidence pages (/evidence/...)."""

from django.urls import path

from evidence import views

app_name = "evidence"

urlpatterns = [
    path("", views.evidence_index, name="index"),
    path("schools/<id:pk>/", views.school_staff, name="school_staff"),
    path("teachers/<id:pk>/<slug:fmt>/", views.teacher_export, name="teacher_export"),
    path("pupils/<id:pk>/<slug:fmt>/", views.pupil_export, name="pupil_export"),
    path("pupils/<id:pk>/subject/<slug:fmt>/", views.pupil_subject_export, name="pupil_subject_export"),
]
