"""Navigation by role: each user sees only the sections they may open."""

from django.urls import reverse

from .access import access_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = access_for(user)
    items = [("Главная", reverse("home"), "house")]
    more: list[tuple[str, str, str]] = []  # the «Ещё» menu: the navbar holds ten items at most
    if access.sees_registers:
        items += [
            ("Участники", reverse("people:list"), "people"),
            ("Программа", reverse("programs:index"), "journal-text"),
            ("Анкеты", reverse("questionnaires:index"), "ui-checks"),
            ("Базы", reverse("pools:index"), "person-lines-fill"),
            ("Подбор пар", reverse("matching:index"), "diagram-3"),
            ("Пары", reverse("mentorships:index"), "people-fill"),
            ("Документы", reverse("documents:index"), "file-earmark-text"),
            ("Мониторинг", reverse("monitoring:index"), "graph-up"),
        ]
        more += [
            ("Организации", reverse("orgs:organization_list"), "building"),
            ("Партнёры", reverse("orgs:partner_list"), "briefcase"),
            ("Кейсы", reverse("events:case_library"), "journal-richtext"),
            ("База наставников", reverse("mentorbase:index"), "person-badge"),
        ]
    else:
        items.append(("Моё наставничество", reverse("mentorships:my"), "people-fill"))
    events = ("Мероприятия", reverse("events:index"), "calendar-event")
    if access.sees_registers:
        more.insert(0, events)
    else:
        items.append(events)
    (more if access.sees_registers else items).append(("Обратная связь", reverse("feedback:index"), "heart-pulse"))
    if access.is_admin or access.is_coordinator:
        more.append(("Регионы", reverse("orgs:region_list"), "map"))
        more.append(("Сертификация кураторов", reverse("certification:index"), "patch-check"))
    if "curator" in access.kinds:
        more.append(("Сертификация куратора", reverse("certification:my"), "patch-check"))
    if access.is_admin:
        more.append(("Учебные годы", reverse("orgs:year_list"), "calendar3"))
    my_card = reverse("people:detail", args=[access.person_id]) if access.person_id else None
    from nastavnik.notifications.selectors import unread_count  # notifications sit above people

    return {
        "nav_items": items,
        "nav_more": more,
        "nav_my_card": my_card,
        "nav_portfolio": reverse("events:my_portfolio") if access.person_id else None,
        "nav_access": access,
        "nav_unread": unread_count(user),
    }
