from django.contrib import admin

from .models import BaseMentor, MentorRequest


@admin.register(BaseMentor)
class BaseMentorAdmin(admin.ModelAdmin):
    list_display = ["person", "organization", "since_year", "completed_count", "mean_rating", "status"]
    list_filter = ["status", "origin", "available_elsewhere"]
    raw_id_fields = ["person", "organization", "municipality", "region", "changed_by"]


@admin.register(MentorRequest)
class MentorRequestAdmin(admin.ModelAdmin):
    list_display = ["mentor", "from_organization", "to_organization", "form", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["mentor", "from_organization", "to_organization", "region", "created_by", "decided_by"]
