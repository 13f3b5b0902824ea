from django.urls import path

from . import views

app_name = "boards"
urlpatterns = [
    path("boards/<slug:slug>/profile/", views.profile, name="profile"),
    path("boards/<slug:slug>/profile/edit/", views.profile_edit, name="profile-edit"),
]
