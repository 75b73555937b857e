from django.apps import AppConfig


class MentorshipsConfig(AppConfig):
    name = "nastavnik.mentorships"
    verbose_name = "Наставнические пары и группы"
