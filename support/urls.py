from django.urls import path

from support import views

app_name = "support"

urlpatterns = [
    path("", views.index, name="index"),
    path("city/", views.city, name="city"),
    path("<int:school_id>/", views.ledger, name="ledger"),
    path("<int:school_id>/stock/", views.stock, name="stock"),
    path("<int:school_id>/donations/new/", views.donation_new, name="donation_new"),
    path("<int:school_id>/disbursements/new/", views.disbursement_new, name="disbursement_new"),
    path(
        "<int:school_id>/disbursements/<int:request_id>/approve/",
        views.disbursement_approve,
        name="disbursement_approve",
    ),
    path(
        "<int:school_id>/disbursements/<int:request_id>/reject/",
        views.disbursement_reject,
        name="disbursement_reject",
    ),
    # Asks for a correction (a pending ReversalRequest); a leader approves or rejects it.
    path("<int:school_id>/entries/<int:entry_id>/reverse/", views.entry_reverse, name="entry_reverse"),
    path(
        "<int:school_id>/reversals/<int:request_id>/approve/",
        views.reversal_approve,
        name="reversal_approve",
    ),
    path(
        "<int:school_id>/reversals/<int:request_id>/reject/",
        views.reversal_reject,
        name="reversal_reject",
    ),
    path("<int:school_id>/report/", views.report, name="report"),
]
