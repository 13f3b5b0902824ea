from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "casereview.home"
    label = "home"
    verbose_name = "Home and each person's work"
