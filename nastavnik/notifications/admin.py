from django.contrib import admin

from .models import Notification, NotificationPreference, SentReminder


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["person", "kind", "in_app", "email"]
    raw_id_fields = ["person"]


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "person", "sent_at", "in_app", "email"]
    list_filter = ["kind"]
    raw_id_fields = ["person"]
