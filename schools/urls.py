from django.urls import path

from schools import roster_views, views

app_name = "schools"

urlpatterns = [
    path("pupils/", views.pupil_list, name="pupil_list"),
    path("import/", roster_views.roster_upload, name="roster_upload"),
    path(
        "import/templates/<str:kind>.<str:extension>",
        roster_views.roster_template,
        name="roster_template",
    ),
    path("pupils/<int:pk>/", views.pupil_detail, name="pupil_detail"),
]
