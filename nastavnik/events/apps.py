from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "nastavnik.events"
    verbose_name = "Мероприятия, награды, кейсы и публикации"
