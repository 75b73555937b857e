from django.contrib import admin

from .models import Measurement


@admin.register(Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    list_display = ("person", "parameter", "stage", "value", "measured_on", "organization", "academic_year")
    list_filter = ("parameter", "stage", "source")
    raw_id_fields = ("person",)
