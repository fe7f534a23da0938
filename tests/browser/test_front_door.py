"""The front door on a phone: no asset answers an error, the page's own content starts in
the first screen, the language list and the menu fold into one control each (without
JavaScript too), and the assistant is reachable from the top of every page."""
import pytest

from tests.browser.conftest import no_horizontal_scroll, sign_in_as, then_check


def _asset_errors(page):
    failures = []
    page.on("response", lambda response: response.status >= 400 and failures.append(f"{response.status} {response.url}"))
    page.on("requestfailed", lambda request: failures.append(f"failed {request.url}"))
    return failures


@pytest.mark.parametrize("code", ["en", "ar"])
def test_no_asset_is_missing(phone, live_server, visit, code):
    failures = _asset_errors(phone)
    for path in ["", "reviews", "help-in-a-crisis", "sign-in", "providers", "carers/easy-read"]:
        visit(phone, f"{live_server}/{code}/{path}")
        phone.wait_for_load_state("networkidle")
    assert failures == []


@pytest.mark.parametrize("role", ["client", "staff"])
def test_signed_in_content_starts_in_the_first_screen(phone, live_server, visit, axe_checks, role):
    sign_in_as(phone, visit, axe_checks, live_server, role)
    box = phone.locator("main h1").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 812 * 0.6, box
    launcher = phone.locator("[data-app-chat-launcher]").bounding_box()
    assert launcher is not None and launcher["y"] < box["y"]
    assert no_horizontal_scroll(phone)


def test_language_and_menu_fold_into_one_control_each_without_javascript(no_js_page, live_server, visit, axe_checks):
    page = no_js_page
    visit(page, f"{live_server}/en/sign-in")
    from portal.demo import DEMO_ACCOUNTS

    account = next(a for a in DEMO_ACCOUNTS if a.role == "client")
    page.fill("#email", account.email)
    page.fill("#password", account.password)
    then_check(page, axe_checks, lambda: page.keyboard.press("Enter"))
    assert not page.get_by_role("link", name="Polski").is_visible()
    assert not page.get_by_role("link", name="Your account").is_visible()
    page.locator(".app-fold--menu > summary").click()
    assert page.get_by_role("link", name="Your account").is_visible()
    page.locator(".app-language-switcher > summary").click()
    then_check(page, axe_checks, page.get_by_role("link", name="Polski").click)
    assert "/pl/" in page.url


def test_on_a_wide_screen_the_menu_is_a_row_of_links(browser, browser_context_args, live_server, axe_checks):
    context = browser.new_context(**{**browser_context_args, "viewport": {"width": 1024, "height": 768},
                                     "is_mobile": False, "has_touch": False})
    page = context.new_page()
    try:
        from portal.demo import DEMO_ACCOUNTS

        account = next(a for a in DEMO_ACCOUNTS if a.role == "client")
        page.goto(f"{live_server}/en/sign-in")
        axe_checks.check(page)
        page.fill("#email", account.email)
        page.fill("#password", account.password)
        then_check(page, axe_checks, lambda: page.keyboard.press("Enter"))
        assert page.get_by_role("link", name="Your account").is_visible()
        assert not page.locator(".app-fold--menu > summary").is_visible()
    finally:
        context.close()


# Tables: every one in a named, focusable region that scrolls, and no cell breaks words
# mid-word. Chart words: 12 px or more, and inside the page (not clipped at either side).
LAYOUT_PROBLEMS = """() => {
  const problems = [];
  for (const table of document.querySelectorAll('main table')) {
    const region = table.closest('[role=region][tabindex="0"]');
    if (!region || !(region.getAttribute('aria-label') || region.getAttribute('aria-labelledby')))
      problems.push('table outside a named focusable region: ' + (table.caption ? table.caption.textContent.trim() : ''));
    else if (getComputedStyle(region).overflowX !== 'auto') problems.push('region does not scroll');
    for (const cell of table.querySelectorAll('th, td')) {
      const style = getComputedStyle(cell);
      if (style.overflowWrap === 'anywhere' || style.wordBreak === 'break-all') { problems.push('cell breaks words'); break; }
    }
  }
  for (const chart of document.querySelectorAll('.app-rating-chart')) {
    for (const text of chart.querySelectorAll('li, span')) {
      const size = parseFloat(getComputedStyle(text).fontSize), box = text.getBoundingClientRect();
      if (size < 12) problems.push('chart text ' + size + 'px');
      if (box.left < 0 || box.right > document.documentElement.clientWidth) problems.push('chart text clipped: ' + text.textContent);
    }
  }
  return problems;
}"""


@pytest.mark.parametrize("code", ["en", "ar", "ur"])
def test_client_pages_keep_tables_and_charts_readable_at_320px(narrow_page, live_server, visit, axe_checks, code):
    sign_in_as(narrow_page, visit, axe_checks, live_server, "client")
    base = narrow_page.url.rsplit("/", 1)[0].replace("/en/", f"/{code}/")
    for section in ["support", "plan", "goals", "who-has-looked"]:
        visit(narrow_page, f"{base}/{section}")
        assert no_horizontal_scroll(narrow_page), section
        assert narrow_page.evaluate(LAYOUT_PROBLEMS) == [], section
        if section == "goals":
            assert narrow_page.locator(".app-rating-chart").count() >= 1


def test_staff_and_commissioner_tables_scroll_inside_themselves_at_320px(narrow_page, live_server, visit, axe_checks):
    sign_in_as(narrow_page, visit, axe_checks, live_server, "staff")
    for path in ["/en/staff/caseload", "/en/staff/arrangement-requests"]:
        visit(narrow_page, f"{live_server}{path}")
        assert no_horizontal_scroll(narrow_page), path
        assert narrow_page.evaluate(LAYOUT_PROBLEMS) == [], path


@pytest.mark.parametrize("code", ["en", "ar", "zh", "so"])
def test_home_site_map_and_search_pass_axe_and_fit_320px(narrow_page, live_server, visit, axe_checks, code):
    for path in ["", "site-map", "feedback/share", "search?q="]:
        visit(narrow_page, f"{live_server}/{code}/{path}")
        assert no_horizontal_scroll(narrow_page), path
    word = {"en": "carers", "ar": "المراجعات", "zh": "照顾者", "so": "daryeelayaasha"}[code]
    narrow_page.fill("#q", word)
    then_check(narrow_page, axe_checks, lambda: narrow_page.keyboard.press("Enter"))
    assert narrow_page.locator("main .app-link-list a").count() >= 1
    assert no_horizontal_scroll(narrow_page)


# Easy Read: a picture for every section, above its words on a 320 px phone and beside them
# on a wide screen (on the right in a right-to-left language), never pushing the page sideways.
_PICTURES_LOADED = ("[...document.querySelectorAll('main .app-easy-read__image')]"
                    ".every(i => i.complete && i.naturalWidth > 0 && i.alt.trim() && !i.closest('a'))")


# The back link's chevron (GOV.UK draws it as the corner of two borders of its ::before, turned):
# which way the turned corner points, and on which side of the words it stands.
_BACK_CHEVRON = """() => {
  const s = getComputedStyle(document.querySelector('.govuk-back-link'), '::before');
  const m = new DOMMatrix(s.transform);
  const corner = [parseFloat(s.borderRightWidth) > 0 ? 1 : -1, parseFloat(s.borderTopWidth) > 0 ? -1 : 1];
  const x = m.a * corner[0] + m.c * corner[1];
  return [x > 0 ? 'right' : 'left', parseFloat(s.right) < parseFloat(s.left) ? 'right' : 'left'];
}"""


def _picture_and_words(page, row: int = 0):
    section = page.locator("main .app-easy-read").nth(row)
    return section.locator("img").bounding_box(), section.locator(".app-easy-read__text").bounding_box()


@pytest.mark.parametrize("code", ["ar", "ur"])
def test_easy_read_pictures_fit_320px_and_stand_beside_the_words_on_a_wide_screen(
        narrow_page, browser, browser_context_args, live_server, visit, axe_checks, code):
    failures = _asset_errors(narrow_page)
    for slug in ["carers", "help-in-a-crisis", "how-we-use-your-information"]:
        visit(narrow_page, f"{live_server}/{code}/{slug}/easy-read")
        narrow_page.wait_for_load_state("networkidle")
        assert no_horizontal_scroll(narrow_page), slug
        assert narrow_page.locator("main .app-easy-read").count() == narrow_page.locator("main h2").count() >= 1
        assert narrow_page.evaluate(_PICTURES_LOADED), slug
        picture, words = _picture_and_words(narrow_page)
        assert picture["y"] + picture["height"] <= words["y"] + 1, (slug, picture, words)
    assert failures == []

    context = browser.new_context(**{**browser_context_args, "viewport": {"width": 1024, "height": 768},
                                     "is_mobile": False, "has_touch": False})
    page = context.new_page()
    try:
        page.goto(f"{live_server}/{code}/carers/easy-read")
        axe_checks.check(page)
        # Back, in a right-to-left page, is to the right: the chevron stands right of the words, pointing right.
        assert page.evaluate(_BACK_CHEVRON) == ["right", "right"]
        assert page.evaluate(_PICTURES_LOADED)
        picture, words = _picture_and_words(page)
        assert picture["y"] < words["y"] + words["height"] and words["y"] < picture["y"] + picture["height"]
        assert picture["x"] >= words["x"] + words["width"] - 1, (picture, words)  # right to left: the picture first, on the right
        assert no_horizontal_scroll(page)
    finally:
        context.close()
