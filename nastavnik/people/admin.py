from django.contrib import admin

from .models import GuardianLink, Person, Role


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["__str__", "category", "class_name", "organization"]
    list_filter = ["category", "organization"]
    search_fields = ["search_key"]
    readonly_fields = ["search_key", "fio_key"]
    inlines = [RoleInline]


admin.site.register(GuardianLink)
