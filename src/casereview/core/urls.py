from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("documents/<int:pk>/download/", views.document_download, name="document-download"),
    path("health/", views.health, name="health"),
]
