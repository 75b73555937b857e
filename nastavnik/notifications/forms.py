from django import forms

from nastavnik.core.forms import StyledFormMixin

from .selectors import PreferenceRow


class PreferencesForm(StyledFormMixin, forms.Form):
    """Two checkboxes per kind: in the system and by e-mail."""

    def __init__(self, *args, rows: list[PreferenceRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            for prefix, channel, initial in (("app", "в системе", row.in_app), ("mail", "по почте", row.email)):
                label = f"{row.label}: {channel}"
                self.fields[f"{prefix}_{row.kind}"] = forms.BooleanField(
                    label=label, required=False, initial=initial, widget=forms.CheckboxInput({"aria-label": label})
                )

    def table(self):
        return [(row, self[f"app_{row.kind}"], self[f"mail_{row.kind}"]) for row in self.rows]

    def choices(self) -> dict[str, tuple[bool, bool]]:
        data = self.cleaned_data
        return {row.kind: (data[f"app_{row.kind}"], data[f"mail_{row.kind}"]) for row in self.rows}
