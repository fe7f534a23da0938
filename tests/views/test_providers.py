"""The provider directory: filters, a page per provider, audited changes by staff."""
import pytest
from sqlalchemy import select

from portal.db import db
from portal.models import AuditEvent, Provider


@pytest.fixture
def directory(app):
    """Three providers of our own beside the demo ones; assertions look at these three only."""
    with app.app_context():
        db.session.add_all([
            Provider(slug="north-arabic", name="North Arabic Support", levels=[1, 2], languages=["en", "ar"],
                     areas=["North", "Central"], accepting_new_clients=True, typical_wait_weeks=2),
            Provider(slug="south-polish", name="South Polish Support", levels=[2], languages=["en", "pl"],
                     areas=["South"], accepting_new_clients=False),
            Provider(slug="central-somali", name="Central Somali Support", levels=[1], languages=["so", "en"],
                     areas=["Central"], accepting_new_clients=True, phone="0114 496 0000"),
        ])
        db.session.commit()


def _names(html):
    return sorted(name for name in ["North Arabic Support", "South Polish Support", "Central Somali Support"] if name in html)


@pytest.mark.parametrize("query, expected", [
    ("", ["Central Somali Support", "North Arabic Support", "South Polish Support"]),
    ("?level=1", ["Central Somali Support", "North Arabic Support"]),
    ("?level=2&language=pl", ["South Polish Support"]),
    ("?area=Central&language=so", ["Central Somali Support"]),
    ("?language=ar&area=South", []),
    ("?language=tlh", []),
    ("?level=7&language=../../etc&area=Mars", ["Central Somali Support", "North Arabic Support", "South Polish Support"]),
])
def test_directory_filters(client, directory, query, expected):
    response = client.get("/en/providers" + query)
    assert response.status_code == 200
    assert _names(response.get_data(as_text=True)) == expected


def test_no_match_says_what_to_do(client, directory):
    html = client.get("/en/providers?language=tlh").get_data(as_text=True)
    assert "0 providers found" in html and "ask your worker" in html


def test_provider_page_shows_languages_by_name_and_phone_left_to_right(client, directory):
    html = client.get("/en/providers/central-somali").get_data(as_text=True)
    assert "Somali" in html and "English" in html
    assert '<span class="app-ltr" dir="ltr">0114 496 0000</span>' in html


def test_unknown_provider_is_not_found(client, directory):
    assert client.get("/en/providers/nobody").status_code == 404
    assert client.get("/en/providers/..%2F..%2Fetc").status_code == 404


def test_staff_change_an_entry_and_it_is_audited(app, client, sign_in, directory):
    sign_in("staff")
    form = client.get("/en/providers/south-polish/edit").get_data(as_text=True)
    assert 'value="en, pl"' in form
    response = client.post("/en/providers/south-polish/edit", data={
        "name": "South Polish Support", "levels": ["1", "2"], "languages": "en, pl, sk",
        "areas": ["South", "South West"], "accepting_new_clients": "y", "typical_wait_weeks": "3",
        "communities": "Polish, Slovak", "description": "", "phone": "", "email": "", "website": "",
    })
    assert response.headers["Location"] == "/en/providers/south-polish"
    with app.app_context():
        provider = db.session.scalar(select(Provider).where(Provider.slug == "south-polish"))
        assert provider.levels == [1, 2] and provider.languages == ["en", "pl", "sk"] and provider.accepting_new_clients
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "provider_updated"))
        assert event.actor_role == "staff" and "languages" in event.object_id


def test_bad_input_is_explained_and_kept(client, sign_in, directory):
    sign_in("staff")
    html = client.post("/en/providers/south-polish/edit", data={
        "name": "  ", "levels": [], "languages": "english, عربي", "areas": ["Mars"],
        "typical_wait_weeks": "soon", "email": "nope", "website": "javascript:alert(1)",
    }).get_data(as_text=True)
    for message in ["Enter the provider’s name", "Select at least one level", "Enter a number of weeks",
                    "Enter an email address in the correct format", "Enter a web address in the correct format"]:
        assert message in html, message
    assert 'value="english, عربي"' in html and 'value="soon"' in html


def test_language_codes_are_checked(client, sign_in, directory):
    sign_in("staff")
    html = client.post("/en/providers/south-polish/edit", data={
        "name": "South Polish Support", "levels": ["2"], "languages": "english", "areas": ["South"],
    }).get_data(as_text=True)
    assert "Enter language codes of 2 or 3 letters" in html


def test_only_administrators_add_providers(client, sign_in):
    sign_in("staff")
    assert client.get("/en/providers/new").status_code == 403
