from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "nastavnik.notifications"
    verbose_name = "Уведомления и напоминания"

    def ready(self):
        from . import mentorship_sources, sources

        sources.register_sources()
        mentorship_sources.register_sources()
