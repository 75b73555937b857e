"""Shared form behaviour: Bootstrap classes on every widget, Russian date inputs."""

from django import forms


class StyledFormMixin:
    """Adds Bootstrap 5 classes to the widgets; templates render through components/_form_fields.html."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ServiceValidatedMixin:
    """For ModelForms whose data is saved by a service: the form parses input, the service validates
    the model and its uniqueness (with the Russian message the user should see), so the form skips
    Django's model validation instead of producing a second, generic message."""

    def _post_clean(self):
        pass

    def validate_unique(self):
        pass
