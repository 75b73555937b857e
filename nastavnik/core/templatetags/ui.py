from django import template

from nastavnik.core import text

register = template.Library()


@register.filter
def date_ru(value):
    """{{ person.birth_date|date_ru }} → «1 сентября 2026 г.»"""
    if value is None or value == "":
        return ""
    return text.date_ru(value)


@register.simple_tag
def plural(number, one, few, many):
    return f"{number} {text.plural_ru(int(number or 0), one, few, many)}"


@register.simple_tag(takes_context=True)
def query_with(context, **kwargs):
    """Current query string with some parameters replaced: pagination keeps the filters."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        params[key] = value
    return params.urlencode()


@register.filter
def parent_url(breadcrumbs):
    """URL of the crumb before the current page: where «Отмена» leads."""
    links = [url for _label, url in (breadcrumbs or [])[:-1] if url]
    return links[-1] if links else "/"


@register.filter
def audit_value(value):
    """An audit log value as a person reads it: empty and «None» become a dash."""
    return "—" if value in (None, "", "None") else value
