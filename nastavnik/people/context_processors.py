"""Navigation by role: each user sees only the sections they may open."""

from django.urls import reverse

from .access import access_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = access_for(user)
    items = [("Главная", reverse("home"), "house")]
    if access.sees_registers:
        items += [
            ("Участники", reverse("people:list"), "people"),
            ("Организации", reverse("orgs:organization_list"), "building"),
            ("Программа", reverse("programs:index"), "journal-text"),
            ("Анкеты", reverse("questionnaires:index"), "ui-checks"),
            ("Базы", reverse("pools:index"), "person-lines-fill"),
            ("Партнёры", reverse("orgs:partner_list"), "briefcase"),
        ]
    if access.is_admin or access.is_coordinator:
        items.append(("Регионы", reverse("orgs:region_list"), "map"))
    if access.is_admin:
        items.append(("Учебные годы", reverse("orgs:year_list"), "calendar3"))
    my_card = reverse("people:detail", args=[access.person_id]) if access.person_id else None
    return {"nav_items": items, "nav_my_card": my_card, "nav_access": access}
