from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "nastavnik.documents"
    verbose_name = "Документы"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(
            models.IssuedDocument,
            include_fields=["generator_id", "number", "date", "title", "subject", "current_version", "scan"],
        )
        auditlog.register(
            models.DocumentSettings,
            include_fields=[
                "font_name", "font_size", "text_name", "place", "order_number_pattern", "number_pattern",
                "signatory_position", "signatory_name",
            ],
        )  # fmt: skip
        auditlog.register(models.CustomTemplate, include_fields=["generator_id", "name", "file", "is_active"])
