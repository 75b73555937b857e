"""The demo's documents (nastavnik/demo/documents.py) on the demo region: each organisation's register
holds its orders, положение, roadmap, program, protocols, a consent and certificates, numbered by its
own pattern; running it again changes nothing."""

from __future__ import annotations

import pytest

from nastavnik.demo.documents import place_of

pytestmark = pytest.mark.django_db


def test_place_is_taken_from_the_address():
    assert place_of("309990, Белгородская область, Валуйский округ, с. Ершово, ул. Школьная, д. 5") == "с. Ершово"
    assert place_of("309996, Белгородская область, г.Валуйки, ул. Никольская, д. 1") == "г. Валуйки"
    assert place_of("ул. Победы, д. 9") == ""
