from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "nastavnik.notifications"
    verbose_name = "Уведомления и напоминания"
