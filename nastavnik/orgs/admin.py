from django.contrib import admin

from .models import AcademicYear, Municipality, Organization, Partner, Region

admin.site.site_header = "«Наставник»: администрирование"


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "region"]
    list_filter = ["region"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["short_name", "kind", "municipality"]
    list_filter = ["kind", "municipality__region"]
    search_fields = ["search_key"]
    readonly_fields = ["search_key"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region"]
    readonly_fields = ["search_key"]


admin.site.register(AcademicYear)
