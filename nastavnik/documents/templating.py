"""An organisation's own .docx templates (docxtpl, i.e. Jinja inside Word): checking an uploaded file,
rendering it with a generator's context, and the list of fields a template may use.

Every problem becomes a `TemplateProblem` with a Russian message naming it («неизвестное поле
«organisation.nme»», «ошибка в выражении {{ … }}: …»): the upload page shows it, an issue falls back
to the built-in layout and says why; nothing here ends in a 500."""

from __future__ import annotations

import io
import zipfile

import jinja2
from django.core.exceptions import ValidationError

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024

FIELD_HELP = {
    "organization.name": "полное наименование организации",
    "organization.short_name": "краткое наименование",
    "organization.text_name": "наименование в тексте (МБОУ «…»)",
    "organization.address": "адрес",
    "organization.place": "место составления",
    "document.kind": "вид документа (ПРИКАЗ…)",
    "document.title": "заголовок к тексту",
    "document.heading": "заголовок, как он напечатан",
    "document.number": "номер по реестру",
    "document.date": "дата «1 сентября 2026 г.»",
    "document.date_short": "дата 01.09.2026",
    "document.academic_year": "учебный год",
    "signatory.position": "должность подписывающего",
    "signatory.name": "подпись «А. С. Петрова»",
    "signatory.full_name": "ФИО подписывающего",
}


class TemplateProblem(ValidationError):
    pass


def _environment() -> jinja2.Environment:
    # StrictUndefined: a misspelt field is an error naming it, not an empty gap in a signed order.
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)


def _open(content: bytes):
    from docxtpl import DocxTemplate

    if len(content) > MAX_TEMPLATE_BYTES:
        raise TemplateProblem("Файл шаблона больше 5 МБ.")
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise TemplateProblem("Это не файл .docx: сохраните шаблон в Word как «Документ Word (*.docx)».")
    try:
        template = DocxTemplate(io.BytesIO(content))
        template.init_docx()
    except Exception as error:  # python-docx raises many kinds for a damaged package
        raise TemplateProblem(f"Файл .docx повреждён или это не документ Word: {error}") from error
    return template


def _describe(error: Exception) -> str:
    if isinstance(error, jinja2.UndefinedError):
        message = str(error)
        if "has no attribute" in message:
            field = message.split("has no attribute", 1)[1].strip(" '\"")
            return f"неизвестное поле «{field}» — проверьте написание по списку полей"
        if "is undefined" in message:
            field = message.split("is undefined", 1)[0].strip(" '\"")
            return f"неизвестное поле «{field}» — проверьте написание по списку полей"
        return f"неизвестное поле: {message}"
    if isinstance(error, jinja2.TemplateSyntaxError):
        return (
            f"ошибка в записи полей шаблона (строка {error.lineno}): {error.message}. "
            "Поля пишутся как {{ document.number }}, циклы — {% for item in items %} … {% endfor %}"
        )
    return f"{type(error).__name__}: {error}"


def render_template(content: bytes, context: dict) -> bytes:
    """The template filled with the context; TemplateProblem with a Russian message on any error."""
    template = _open(content)
    try:
        template.render(context, jinja_env=_environment())
    except (jinja2.TemplateError, TypeError, ValueError, KeyError, AttributeError) as error:
        raise TemplateProblem(f"Шаблон не заполняется: {_describe(error)}.") from error
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def check_template(content: bytes, sample_context: dict) -> None:
    """Raise TemplateProblem unless the template opens, parses and fills with the sample data; a
    template without a single field is refused too (it would print the same text every time)."""
    template = _open(content)
    try:
        names = template.get_undeclared_template_variables(jinja_env=_environment())
    except jinja2.TemplateError as error:
        raise TemplateProblem(f"Шаблон не читается: {_describe(error)}.") from error
    unknown = sorted(set(names) - set(sample_context))
    if unknown:
        fields = ", ".join(f"«{name}»" for name in unknown)
        raise TemplateProblem(f"В шаблоне неизвестные поля: {fields}. Доступные поля перечислены рядом с формой.")
    if not names:
        raise TemplateProblem(
            "В шаблоне нет ни одного поля: вставьте, например, {{ document.number }} и {{ document.date }}."
        )
    render_template(content, sample_context)


def fields_of(context: dict, prefix: str = "") -> list[tuple[str, str, str]]:
    """(field, what it is, example) for every value of a context, lists shown as loops."""
    rows: list[tuple[str, str, str]] = []
    for key, value in context.items():
        path = f"{prefix}{key}"
        if key == "style":
            continue
        if isinstance(value, dict):
            rows += fields_of(value, f"{path}.")
        elif isinstance(value, list):
            example = value[0] if value else ""
            if isinstance(example, dict):
                inner = ", ".join(f"item.{k}" for k in example)
                rows.append((f"{{% for item in {path} %}}", f"список; у элемента: {inner}", ""))
            else:
                rows.append((f"{{% for item in {path} %}}", "список строк: {{ item }}", str(example)[:80]))
        else:
            rows.append((f"{{{{ {path} }}}}", FIELD_HELP.get(path, ""), str(value)[:80]))
    return rows


def sample_template(generator) -> bytes:
    """A starting .docx for an organisation's own template: every simple field of the generator on its
    own line, in the organisation's layout — to be edited in Word and uploaded back."""
    from .generators.layout import Sheet

    sheet = Sheet(title=f"Шаблон: {generator.title_ru}")
    sheet.paragraph(f"Шаблон: {generator.title_ru}", align="center", bold=True, indent=False, space_after=12)
    for field, help_text, _example in fields_of(generator.sample_context()):
        if field.startswith("{{"):
            sheet.paragraph(f"{help_text or field}: {field}", align="left", indent=False)
    return sheet.to_bytes()
