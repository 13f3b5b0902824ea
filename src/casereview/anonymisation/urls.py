from django.urls import path

from . import views

app_name = "anonymisation"
R = "reviews/<int:pk>/"
urlpatterns = [
    path(f"{R}key-reference/", views.key_reference, name="key-reference"),
    path(f"{R}key-reference/import/", views.key_import, name="key-import"),
    path(f"{R}key-reference/export.csv", views.key_export_csv, name="key-export-csv"),
    path(f"{R}key-reference/export.docx", views.key_export_docx, name="key-export-docx"),
    path(f"{R}key-reference/<int:entry_pk>/", views.key_entry, name="key-entry"),
    path(
        f"{R}key-reference/<int:entry_pk>/remove/",
        views.key_entry_remove,
        name="key-entry-remove",
    ),
    path(f"{R}key-reference/read/", views.key_reference_read, name="key-reference-read"),
    path(f"{R}copies/", views.copies, name="copies"),
    path(f"{R}glossary/", views.glossary, name="glossary"),
    path(f"{R}glossary/starter/", views.glossary_starter, name="glossary-starter"),
    path(f"{R}glossary/export.docx", views.glossary_export, name="glossary-export"),
    path(f"{R}glossary/<int:term_pk>/remove/", views.glossary_remove, name="glossary-remove"),
    path(f"{R}genogram/", views.genogram, name="genogram"),
    path(
        f"{R}genogram/relations/<int:relation_pk>/remove/",
        views.relation_remove,
        name="relation-remove",
    ),
    path(f"{R}documents/", views.documents, name="documents"),
    path(
        f"{R}documents/<int:document_pk>/original/",
        views.document_original,
        name="document-original",
    ),
    path(
        f"{R}documents/<int:document_pk>/anonymise/",
        views.document_anonymise,
        name="document-anonymise",
    ),
    path(f"{R}anonymisations/<int:run_pk>/", views.run_detail, name="run"),
    path(f"{R}anonymisations/<int:run_pk>/download/", views.run_download, name="run-download"),
    path(
        f"{R}anonymisations/<int:run_pk>/flags/<int:index>/add/",
        views.flag_add,
        name="flag-add",
    ),
    path(
        f"{R}anonymisations/<int:run_pk>/flags/<int:index>/dismiss/",
        views.flag_dismiss,
        name="flag-dismiss",
    ),
]
