from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "nastavnik.monitoring"
    verbose_name = "Мониторинг и показатели"
