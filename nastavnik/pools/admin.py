"""The platform admin's view of the pools (the app's pages are the place to work: statuses move
through the services there; here everything but the catalogue is read-only)."""

from django.contrib import admin

from .models import MenteeEntry, MentorEntry, RequestCategory, Training


@admin.register(RequestCategory)
class RequestCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "is_active", "sort_order"]
    list_filter = ["is_active", "region"]
    readonly_fields = ["name_key"]

    def save_model(self, request, obj, form, change):
        from nastavnik.core.text import search_key

        obj.name_key = search_key(obj.name)
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MenteeEntry)
class MenteeEntryAdmin(ReadOnlyAdmin):
    list_display = ["person", "form", "status", "organization", "academic_year"]
    list_filter = ["status", "form", "academic_year"]
    list_select_related = ["person", "form", "organization", "academic_year"]


@admin.register(MentorEntry)
class MentorEntryAdmin(ReadOnlyAdmin):
    list_display = ["person", "form", "status", "capacity", "organization", "academic_year"]
    list_filter = ["status", "form", "academic_year"]
    list_select_related = ["person", "form", "organization", "academic_year"]


@admin.register(Training)
class TrainingAdmin(ReadOnlyAdmin):
    list_display = ["title", "date", "organization", "academic_year"]
    list_select_related = ["organization", "academic_year"]
