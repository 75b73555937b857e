from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("regions/", views.region_list, name="region_list"),
    path("regions/new/", views.region_form, name="region_create"),
    path("regions/<int:pk>/", views.region_detail, name="region_detail"),
    path("regions/<int:pk>/edit/", views.region_form, name="region_edit"),
    path("regions/<int:region_pk>/municipalities/new/", views.municipality_form, name="municipality_create"),
    path("municipalities/<int:pk>/", views.municipality_detail, name="municipality_detail"),
    path("municipalities/<int:pk>/edit/", views.municipality_form, name="municipality_edit"),
    path("municipalities/<int:pk>/delete/", views.municipality_delete, name="municipality_delete"),
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="organization_edit"),
    path("organizations/<int:pk>/delete/", views.organization_delete, name="organization_delete"),
    path("partners/", views.partner_list, name="partner_list"),
    path("partners/new/", views.partner_form, name="partner_create"),
    path("partners/<int:pk>/", views.partner_detail, name="partner_detail"),
    path("partners/<int:pk>/edit/", views.partner_form, name="partner_edit"),
    path("partners/<int:pk>/delete/", views.partner_delete, name="partner_delete"),
    path("partners/<int:pk>/agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/delete/", views.agreement_delete, name="agreement_delete"),
    path("years/", views.year_list, name="year_list"),
]
