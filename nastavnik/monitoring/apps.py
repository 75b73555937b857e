from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "nastavnik.monitoring"
    verbose_name = "Мониторинг и показатели"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Measurement, include_fields=["person", "parameter", "stage", "value", "measured_on"])
