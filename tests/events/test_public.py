"""Open information (no login) and news (seed 000, 7.6; seed 002 «специальные рубрики»): only what the
organisation chose to publish, nothing unpublished or deleted, no minors' names without a consent."""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from nastavnik.events import services
from nastavnik.events.models import MaterialKind, PublicPage
from tests.access_cases.core import _program
from tests.access_cases.events import _case

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
ALL_ON = dict.fromkeys(services.PAGE_TOGGLES, "on")


def enable(client_for, cast, **fields):
    data = ALL_ON | {"intro": "Наставничество в Ершовской школе"} | fields
    data = {k: v for k, v in data.items() if v is not None}
    return client_for("curator").post(reverse("events:public_settings", args=[cast.school_a.pk]), data)


def publish_case(cast):
    case = services.case_submit(actor=cast.user("curator"), case=_case(cast))
    return services.case_moderate(actor=cast.user("regional"), case=case, decision="approve")


def test_public_page_exists_only_when_enabled(client, client_for, cast):
    url = reverse("events:public_org", args=[cast.school_a.pk])
    assert client.get(url).status_code == 404
    enable(client_for, cast)
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    assert "Наставничество в Ершовской школе" in response.content.decode()
    enable(client_for, cast, enabled=None)
    client.logout()
    assert client.get(url).status_code == 404


def test_working_group_may_not_change_the_public_page(client_for, cast):
    response = client_for("working_group").post(reverse("events:public_settings", args=[cast.school_a.pk]), ALL_ON)
    assert response.status_code == 403
    assert not PublicPage.objects.exists()


def test_public_page_shows_only_what_is_chosen_and_published(client, client_for, cast, make_event):
    _program(cast)  # a draft program: not published
    make_event(title="Открытая встреча для родителей", is_public=True, days=3)
    make_event(title="Внутреннее совещание кураторов", days=3)
    case = publish_case(cast)
    enable(client_for, cast)
    client.logout()
    url = reverse("events:public_org", args=[cast.school_a.pk])
    page = client.get(url).content.decode()
    assert "Открытая встреча для родителей" in page
    assert "Внутреннее совещание кураторов" not in page
    assert "Программа школы A" not in page
    assert case.title in page
    assert "Казакова" in page  # the curator's contacts were chosen
    enable(client_for, cast, show_cases=None, show_curator=None)
    client.logout()
    page = client.get(url).content.decode()
    assert case.title not in page
    assert "Казакова" not in page


def test_unpublished_or_deleted_items_disappear_at_once(client, client_for, cast):
    enable(client_for, cast)
    case = publish_case(cast)
    news = services.publication_save(
        actor=cast.user("curator"), organization=cast.school_a, title="Итоги полугодия", text="Прошли встречи пар."
    )
    services.publication_publish(actor=cast.user("curator"), publication=news)
    client.logout()
    org_url = reverse("events:public_org", args=[cast.school_a.pk])
    region_url = reverse("events:public_region", args=[cast.region_a.pk])
    assert "Итоги полугодия" in client.get(org_url).content.decode()
    assert case.title in client.get(region_url).content.decode()
    services.case_moderate(actor=cast.user("regional"), case=case, decision="unpublish", comment="Уточнить цифры")
    news_url = reverse("events:public_news", args=[news.pk])
    services.publication_delete(actor=cast.user("curator"), publication=news)
    assert case.title not in client.get(org_url).content.decode()
    assert case.title not in client.get(region_url).content.decode()
    assert "Итоги полугодия" not in client.get(org_url).content.decode()
    assert client.get(reverse("events:public_case", args=[case.pk])).status_code == 404
    assert client.get(news_url).status_code == 404


def test_news_naming_a_minor_is_not_published_without_consent(cast):
    news = services.publication_save(
        actor=cast.user("curator"), organization=cast.school_a, title="Победа на олимпиаде",
        text="Мария Иванова, 7Б, стала призёром олимпиады.",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="без согласия на публикацию"):
        services.publication_publish(actor=cast.user("curator"), publication=news)
    news.refresh_from_db()
    assert not news.is_published


def test_rss_and_zip_export(client, client_for, cast):
    enable(client_for, cast)
    news = services.publication_save(
        actor=cast.user("curator"), organization=cast.school_a, title="Торжественное завершение",
        text="Наградили лучших наставников.", rubric="Наставничество: итоги года",
    )  # fmt: skip
    services.publication_image_add(
        actor=cast.user("curator"), publication=news, file=SimpleUploadedFile("photo.png", PNG), caption="Награждение"
    )
    draft = services.publication_save(
        actor=cast.user("curator"), organization=cast.school_a, title="Черновик новости", text="Текст"
    )
    services.publication_publish(actor=cast.user("curator"), publication=news)
    client.logout()
    rss = client.get(reverse("events:public_rss", args=[cast.school_a.pk]))
    assert rss["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(rss.content).find("channel")
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert titles == ["Торжественное завершение"]
    assert channel.find("item").findtext("category") == "Наставничество: итоги года"
    assert draft.title not in rss.content.decode()
    response = client_for("working_group").get(reverse("events:news_export", args=[news.pk]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["images/01.png", "text.txt"]
    text = archive.read("text.txt").decode()
    assert text.startswith("Торжественное завершение\nРубрика: Наставничество: итоги года")
    assert "01.png: Награждение" in text
    assert client_for("outsider").get(reverse("events:news_export", args=[news.pk])).status_code == 404


def test_public_files_only_for_published_photos(client, client_for, cast, make_event):
    enable(client_for, cast)
    event = make_event(is_public=True)
    hidden = services.material_add(
        actor=cast.user("curator"), event=event, kind=MaterialKind.PHOTO, file=SimpleUploadedFile("a.png", PNG)
    )
    shown = services.material_add(
        actor=cast.user("curator"), event=event, kind=MaterialKind.PHOTO, file=SimpleUploadedFile("b.png", PNG),
        is_public=True,
    )  # fmt: skip
    client.logout()
    assert client.get(reverse("events:public_file", args=["photo", hidden.pk])).status_code == 404
    assert client.get(reverse("events:public_file", args=["photo", shown.pk])).status_code == 200
    services.event_save(
        actor=cast.user("curator"), event=event, kind="info", title=event.title, starts_at=event.starts_at,
        is_public=False,
    )  # fmt: skip
    assert client.get(reverse("events:public_file", args=["photo", shown.pk])).status_code == 404


def test_past_events_stay_on_the_page_for_a_year(client, client_for, cast, make_event):
    enable(client_for, cast)
    make_event(title="Прошлогодний форум", is_public=True, days=-400)
    make_event(title="Осенняя встреча", is_public=True, days=-30)
    client.logout()
    page = client.get(reverse("events:public_org", args=[cast.school_a.pk])).content.decode()
    assert "Осенняя встреча" in page
    assert "Прошлогодний форум" not in page
    assert timezone.now() - dt.timedelta(days=365)  # the window is a year (selectors.public_events)
