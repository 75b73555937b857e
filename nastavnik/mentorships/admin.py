from django.contrib import admin

from . import models


class MemberInline(admin.TabularInline):
    model = models.MentorshipMentee
    extra = 0
    raw_id_fields = ("person", "mentee_entry")


@admin.register(models.Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    list_display = ("mentor", "form", "organization", "academic_year", "status", "start_date", "end_date")
    list_filter = ("status", "form", "academic_year")
    search_fields = ("mentor__last_name", "organization__short_name")
    raw_id_fields = ("mentor", "mentor_entry", "organization", "municipality", "region", "created_by")
    inlines = [MemberInline]


@admin.register(models.Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("topic", "kind", "starts_at", "status", "mentorship")
    list_filter = ("kind", "status")
    raw_id_fields = ("mentorship", "created_by")


class PlanItemInline(admin.TabularInline):
    model = models.PlanItem
    extra = 0
    raw_id_fields = ("source_item",)


@admin.register(models.IndividualPlan)
class IndividualPlanAdmin(admin.ModelAdmin):
    list_display = ("mentorship", "number", "status", "approved_at")
    list_filter = ("status",)
    raw_id_fields = ("mentorship", "previous", "approved_by", "created_by")
    inlines = [PlanItemInline]


@admin.register(models.JournalEntry)
class JournalEntryAdmin(admin.ModelAdmin):
    list_display = ("date", "topic", "mentorship")
    raw_id_fields = ("mentorship", "meeting", "created_by")
