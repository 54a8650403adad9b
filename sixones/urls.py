"""Six-ones pages (/sixones/...)."""

from django.urls import path

from sixones import views

app_name = "sixones"

urlpatterns = [
    path("", views.my_six_ones, name="my"),
    path("essays/", views.essay_list, name="essay_list"),
    path("essays/new/", views.essay_create, name="essay_create"),
    path("essays/<id:pk>/", views.essay_detail, name="essay_detail"),
    path("essays/<id:pk>/exemplary/", views.essay_exemplary, name="essay_exemplary"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<id:pk>/", views.meeting_detail, name="meeting_detail"),
    path("acts/new/", views.act_create, name="act_create"),
    path("acts/<id:pk>/", views.act_detail, name="act_detail"),
    path("handbook/compile/", views.handbook_compile, name="handbook_compile"),
    path("handbook/<id:pk>/pdf/", views.handbook_pdf, name="handbook_pdf"),
    path("completion/city/", views.city_completion, name="city"),
    path("completion/<str:code>/", views.school_completion, name="school"),
]
