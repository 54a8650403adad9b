from django.urls import path

from schools import calendar_views, roster_views, views

app_name = "schools"

urlpatterns = [
    path("pupils/", views.pupil_list, name="pupil_list"),
    path("import/", roster_views.roster_upload, name="roster_upload"),
    path(
        "import/templates/<str:kind>.<str:extension>",
        roster_views.roster_template,
        name="roster_template",
    ),
    path("campaigns/", calendar_views.campaign_list, name="campaign_list"),
    path("campaigns/create/", calendar_views.campaign_create, name="campaign_create"),
    path("campaigns/phases/<id:pk>/edit/", calendar_views.phase_edit, name="campaign_phase_edit"),
]
