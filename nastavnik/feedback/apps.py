from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "nastavnik.feedback"
    verbose_name = "Обратная связь и забота о паре"
