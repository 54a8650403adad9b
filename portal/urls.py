"""Mounted at the site root, so that the pages keep the paths they had under accounts and schools."""

from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("accounts/home/", views.home, name="home"),
    path("accounts/menu/", views.menu, name="menu"),
    path("schools/pupils/<id:pk>/", views.pupil_detail, name="pupil_detail"),
]
