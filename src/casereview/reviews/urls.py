from django.urls import path

from . import stage_views, views

app_name = "reviews"
urlpatterns = [
    path("reviews/<int:pk>/", views.review_detail, name="detail"),
    path("reviews/<int:pk>/members/", views.review_members, name="members"),
    path("reviews/<int:pk>/stage/", stage_views.review_stage, name="stage"),
    path("reviews/<int:pk>/stage/next/", stage_views.review_advance, name="advance"),
    path("reviews/<int:pk>/record/<slug:item>/", stage_views.record, name="record"),
    path("reviews/<int:pk>/panel/<slug:item>/", stage_views.panel_record, name="panel-record"),
    path("reviews/<int:pk>/quality/<slug:item>/", stage_views.qa_record, name="qa-record"),
    path("reviews/<int:pk>/convert/", stage_views.review_convert, name="convert"),
    path("reviews/<int:pk>/sign-off/", stage_views.review_sign_off, name="sign-off"),
    path(
        "reviews/<int:pk>/members/<int:member_pk>/remove/",
        views.review_member_remove,
        name="member-remove",
    ),
    path(
        "reviews/<int:pk>/agencies/<int:commission_pk>/dates/",
        views.commission_dates,
        name="commission-dates",
    ),
]
