from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("reviews/<int:pk>/", views.review_detail, name="detail"),
    path("reviews/<int:pk>/members/", views.review_members, name="members"),
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
