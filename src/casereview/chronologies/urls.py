from django.urls import path

from . import views

app_name = "chronologies"
agency = "reviews/<int:pk>/chronologies/<int:commission_pk>/"
merged = "reviews/<int:pk>/chronology/"
urlpatterns = [
    path(agency, views.commission_page, name="commission"),
    path(agency + "upload/", views.upload, name="upload"),
    path(agency + "draft/", views.draft, name="draft"),
    path(agency + "draft/start/", views.draft_start, name="draft-start"),
    path(agency + "draft/rows/<int:row_pk>/", views.row_edit, name="row-edit"),
    path(agency + "draft/rows/<int:row_pk>/remove/", views.row_delete, name="row-delete"),
    path(agency + "draft/send/", views.submit, name="submit"),
    path(merged, views.merged, name="merged"),
    path(merged + "share/", views.share, name="share"),
    path(merged + "rows/<int:row_pk>/mark/", views.mark, name="mark"),
    path(merged + "approve/", views.approve, name="approve"),
    path(merged + "exports/", views.export, name="export"),
    path(merged + "exports/<int:job_pk>/", views.export_job, name="export-job"),
    path(merged + "exports/<int:job_pk>/download/", views.export_download, name="export-download"),
]
