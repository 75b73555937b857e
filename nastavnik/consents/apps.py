from django.apps import AppConfig


class ConsentsConfig(AppConfig):
    name = "nastavnik.consents"
    verbose_name = "Согласия на обработку персональных данных"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(
            models.Consent,
            include_fields=["person", "kind", "method", "signer_name", "given_at", "revoked_at", "revocation_reason"],
        )
