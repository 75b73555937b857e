from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "nastavnik.demo"
    verbose_name = "Демо-регион"
