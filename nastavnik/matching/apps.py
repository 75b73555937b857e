from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "nastavnik.matching"
    verbose_name = "Подбор наставнических пар"
