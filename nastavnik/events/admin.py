"""The platform admin's read view of the events app (work happens on the app's pages, through the services)."""

from django.contrib import admin

from .models import Award, Event, PracticeCase, Publication, PublicationConsent, PublicPage


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "organization", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["title"]


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["nomination", "mentor", "organization", "academic_year", "status"]
    list_filter = ["nomination", "status"]


@admin.register(PracticeCase)
class PracticeCaseAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "status", "published_at"]
    list_filter = ["status"]
    readonly_fields = ["search_key"]


admin.site.register(Publication)
admin.site.register(PublicationConsent)
admin.site.register(PublicPage)
