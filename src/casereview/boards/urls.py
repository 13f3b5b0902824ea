from django.urls import path

from . import views

app_name = "boards"
urlpatterns = [
    path("boards/<slug:slug>/profile/", views.profile, name="profile"),
    path("boards/<slug:slug>/profile/edit/", views.profile_edit, name="profile-edit"),
    path("boards/<slug:slug>/letters/", views.letter_templates, name="letter-templates"),
    path(
        "boards/<slug:slug>/letters/<slug:kind>/template.docx",
        views.letter_template_download,
        name="letter-template-download",
    ),
]
