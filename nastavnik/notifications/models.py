"""In-app notifications, each person's choice of channels per kind, and the register of reminders
already sent (issue 7, item 6).

A reminder is sent once: `SentReminder.key` is unique — kind, person and the source's own key
(the object and a date bucket, e.g. «meeting:12:2026-10-03») — so running the sender twice, or two
senders at once, never sends the same reminder again.
"""

from django.db import models

from nastavnik.core.models import TimeStampedModel
from nastavnik.people.models import Person


class Notification(TimeStampedModel):
    recipient = models.ForeignKey(Person, verbose_name="кому", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("вид", max_length=40, db_index=True)
    title = models.CharField("заголовок", max_length=200)
    text = models.TextField("текст", blank=True)
    url = models.CharField("ссылка", max_length=500, blank=True)
    read_at = models.DateTimeField("прочитано", null=True, blank=True)

    class Meta:
        verbose_name = "уведомление"
        verbose_name_plural = "уведомления"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(TimeStampedModel):
    """A person's channels for one kind; no row means both channels on."""

    person = models.ForeignKey(Person, verbose_name="участник", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("вид", max_length=40)
    in_app = models.BooleanField("в системе", default=True)
    email = models.BooleanField("по электронной почте", default=True)

    class Meta:
        verbose_name = "настройка уведомлений"
        verbose_name_plural = "настройки уведомлений"
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="notification_preference_unique")]

    def __str__(self):
        return f"{self.person}: {self.kind}"


class SentReminder(models.Model):
    key = models.CharField("ключ", max_length=300, unique=True)
    kind = models.CharField("вид", max_length=40, db_index=True)
    person = models.ForeignKey(Person, verbose_name="кому", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField("отправлено")
    in_app = models.BooleanField("в системе", default=False)
    email = models.BooleanField("письмом", default=False)

    class Meta:
        verbose_name = "отправленное напоминание"
        verbose_name_plural = "отправленные напоминания"
        ordering = ["-sent_at", "-id"]

    def __str__(self):
        return self.key
