from django.urls import path

from . import views

app_name = "boards"
urlpatterns = [
    path("boards/<slug:slug>/profile/", views.profile, name="profile"),
    path("boards/<slug:slug>/profile/edit/", views.profile_edit, name="profile-edit"),
    path("boards/<slug:slug>/letters/", views.letter_templates, name="letter-templates"),
    path("boards/<slug:slug>/people/", views.people, name="people"),
    path(
        "boards/<slug:slug>/people/<int:membership_pk>/end/",
        views.membership_end,
        name="membership-end",
    ),
    path("boards/<slug:slug>/agencies/", views.agencies, name="agencies"),
    path(
        "boards/<slug:slug>/agencies/<int:agency_pk>/",
        views.agency_change,
        name="agency-change",
    ),
    path(
        "boards/<slug:slug>/letters/<slug:kind>/template.docx",
        views.letter_template_download,
        name="letter-template-download",
    ),
]
