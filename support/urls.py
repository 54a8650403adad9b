from django.urls import path

from support import views

app_name = "support"

urlpatterns = [
    path("", views.index, name="index"),
    path("city/", views.city, name="city"),
    path("<id:school_id>/", views.ledger, name="ledger"),
    path("<id:school_id>/stock/", views.stock, name="stock"),
    path("<id:school_id>/donations/new/", views.donation_new, name="donation_new"),
    path("<id:school_id>/disbursements/new/", views.disbursement_new, name="disbursement_new"),
    path(
        "<id:school_id>/disbursements/<id:request_id>/approve/",
        views.disbursement_approve,
        name="disbursement_approve",
    ),
    path(
        "<id:school_id>/disbursements/<id:request_id>/reject/",
        views.disbursement_reject,
        name="disbursement_reject",
    ),
    # Asks for a correction (a pending ReversalRequest); a leader approves or rejects it.
    path("<id:school_id>/entries/<id:entry_id>/reverse/", views.entry_reverse, name="entry_reverse"),
    path(
        "<id:school_id>/reversals/<id:request_id>/approve/",
        views.reversal_approve,
        name="reversal_approve",
    ),
    path(
        "<id:school_id>/reversals/<id:request_id>/reject/",
        views.reversal_reject,
        name="reversal_reject",
    ),
    path("<id:school_id>/report/", views.report, name="report"),
]
