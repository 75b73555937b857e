from django.contrib import admin

from .models import CertificationScheme, CuratorCertificate, CuratorTraining


@admin.register(CertificationScheme)
class CertificationSchemeAdmin(admin.ModelAdmin):
    list_display = ("region", "academic_year", "min_hours", "require_program_year", "report_deadline", "case_status")
    list_filter = ("academic_year",)


@admin.register(CuratorTraining)
class CuratorTrainingAdmin(admin.ModelAdmin):
    list_display = ("person", "title", "hours", "date", "status")
    list_filter = ("status",)
    raw_id_fields = ("person", "organization")


@admin.register(CuratorCertificate)
class CuratorCertificateAdmin(admin.ModelAdmin):
    list_display = ("number", "person", "scheme", "issued_at", "revoked_at")
    raw_id_fields = ("person", "organization", "document")
