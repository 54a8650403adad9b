"""Parents' opinion pages (/opinions/...)."""

from django.urls import path

from opinions import views

app_name = "opinions"

urlpatterns = [
    path("", views.opinion_list, name="opinion_list"),
    path("new/", views.opinion_raise, name="opinion_raise"),
    path("receive/", views.opinion_receive, name="opinion_receive"),
    path("<id:pk>/", views.opinion_detail, name="opinion_detail"),
    path("<id:pk>/<slug:step>/", views.opinion_step, name="opinion_step"),
]
