"""The platform admin's read-only view of matching (the work happens on the app's pages)."""

from django.contrib import admin

from .models import ForbiddenPair, MatchingRun


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MatchingRun)
class MatchingRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "number", "organization", "municipality", "academic_year", "form", "status", "solver"]
    list_filter = ["status", "form"]
    exclude = ["snapshot"]


@admin.register(ForbiddenPair)
class ForbiddenPairAdmin(ReadOnlyAdmin):
    list_display = ["mentee", "mentor", "organization", "academic_year", "reason"]
