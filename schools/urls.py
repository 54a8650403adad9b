from django.urls import path

from schools import calendar_views, roster_views, staff_views, views

app_name = "schools"

urlpatterns = [
    path("pupils/", views.pupil_list, name="pupil_list"),
    path("import/", roster_views.roster_upload, name="roster_upload"),
    path(
        "import/templates/<str:kind>.<str:extension>",
        roster_views.roster_template,
        name="roster_template",
    ),
    path("staff/", staff_views.staff_index, name="staff_index"),
    path("<id:school_id>/staff/", staff_views.staff_list_page, name="staff_list"),
    path("<id:school_id>/staff/add/", staff_views.staff_add_page, name="staff_add"),
    path("<id:school_id>/staff/<id:user_id>/invite/", staff_views.staff_invite_page, name="staff_invite"),
    path("campaigns/", calendar_views.campaign_list, name="campaign_list"),
    path("campaigns/create/", calendar_views.campaign_create, name="campaign_create"),
    path("campaigns/phases/<id:pk>/edit/", calendar_views.phase_edit, name="campaign_phase_edit"),
]
