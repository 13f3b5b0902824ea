from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("boards/<slug:slug>/referrals/new/", views.referral_new, name="new"),
    path("boards/<slug:slug>/decisions/", views.board_decisions, name="board-decisions"),
    path("cases/<int:pk>/", views.referral_detail, name="detail"),
    path("cases/<int:pk>/ask-agencies/", views.referral_ask_agencies, name="ask-agencies"),
    path("cases/<int:pk>/facts/", views.referral_facts, name="facts"),
    path("cases/<int:pk>/screening/", views.referral_begin_screening, name="begin-screening"),
    path("cases/<int:pk>/recommend/", views.referral_recommend, name="recommend"),
    path("cases/<int:pk>/decide/", views.referral_decide, name="decide"),
    path(
        "cases/<int:pk>/chair-consulted/",
        views.chair_consultation_new,
        name="chair-consultation",
    ),
    path(
        "cases/<int:pk>/deadlines/<int:deadline_pk>/extend/",
        views.deadline_extend,
        name="deadline-extend",
    ),
    path(
        "cases/<int:pk>/deadlines/<int:deadline_pk>/approve/",
        views.deadline_approve,
        name="deadline-approve",
    ),
    path(
        "cases/<int:pk>/deadlines/<int:deadline_pk>/inspectorate-agreed/",
        views.deadline_inspectorate_agreed,
        name="deadline-inspectorate-agreed",
    ),
    path(
        "cases/<int:pk>/notifications/<int:notification_pk>/sent/",
        views.notification_sent,
        name="notification-sent",
    ),
    path("cases/<int:pk>/letters.zip", views.letters_download, name="letters-download"),
    path("cases/<int:pk>/notifications/sent/", views.notifications_sent, name="notifications-sent"),
    path("cases/<int:pk>/exclusions/", views.case_exclusions, name="exclusions"),
    path("cases/<int:pk>/exclusions/new/", views.case_exclusion_new, name="exclusion-new"),
    path(
        "cases/<int:pk>/exclusions/<int:exclusion_pk>/end/",
        views.case_exclusion_end,
        name="exclusion-end",
    ),
    path("requests/<int:pk>/", views.agency_request_answer, name="answer"),
]
