"""Care pages (/care/...)."""

from django.urls import path

from care import views

app_name = "care"

urlpatterns = [
    path("archives/", views.archive_list, name="archive_list"),
    path("cases/<id:pk>/tutoring/", views.tutoring_list, name="tutoring_list"),
    path("cases/<id:pk>/tutoring/new/", views.tutoring_create, name="tutoring_create"),
    path("cases/<id:pk>/counselling/", views.counselling_list, name="counselling_list"),
    path("cases/<audited_id:pk>/counselling/new/", views.counselling_create, name="counselling_create"),
    path("pupils/<id:pk>/archive/", views.archive_detail, name="archive_detail"),
    path("pupils/<id:pk>/archive/edit/", views.archive_edit, name="archive_edit"),
    path("pupils/<id:pk>/archive/entries/", views.archive_entry_edit, name="archive_entry_edit"),
]
