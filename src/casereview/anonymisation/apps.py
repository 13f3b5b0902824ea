from django.apps import AppConfig


class AnonymisationConfig(AppConfig):
    name = "casereview.anonymisation"
    label = "anonymisation"
    verbose_name = "Anonymisation"
