"""{% curator_alerts organization year %} — the curator's alerts box for the home page;
{% mentorship_care mentorship %} — what the participant has to fill in, for the mentorship pages;
{% final_feedback_box mentorship %} — a planned ending with the final feedback, for the pair's page."""

from django import template

from nastavnik.feedback import selectors

register = template.Library()


@register.inclusion_tag("feedback/_curator_alerts.html", takes_context=True)
def curator_alerts(context, organization, academic_year):
    user = context["request"].user
    return {
        "feedback_alerts": selectors.alerts_for(actor=user, organization=organization, academic_year=academic_year),
        "organization": organization,
        "academic_year": academic_year,
    }


@register.inclusion_tag("feedback/_care_box.html", takes_context=True)
def mentorship_care(context, mentorship):
    return {"care": selectors.care_for(actor=context["request"].user, mentorship=mentorship)}


@register.inclusion_tag("feedback/_final_box.html", takes_context=True)
def final_feedback_box(context, mentorship):
    return {
        "final": selectors.final_feedback_for(actor=context["request"].user, mentorship=mentorship),
        "csrf_token": context.get("csrf_token"),
    }
