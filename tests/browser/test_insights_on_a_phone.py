"""The commissioners' figures on a phone, in every language: 375 and 320 px wide, axe on every
page, no sideways scroll, the summary first, chart words at 12 px or more and never clipped
(right-to-left pages too), tables scrolling inside named, focusable regions."""
from __future__ import annotations

import pytest

from portal.i18n import LANGUAGES
from tests.browser.conftest import no_horizontal_scroll, sign_in_as

SMALLEST_TEXT = """() => {
  const sizes = [];
  for (const el of document.querySelectorAll('main *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (own && box.width > 1 && box.height > 1) sizes.push(parseFloat(getComputedStyle(el).fontSize));
  }
  for (const text of document.querySelectorAll('main svg text')) {  // SVG text shrinks with its drawing
    const svg = text.ownerSVGElement, view = svg.viewBox.baseVal;
    const scale = view && view.width ? svg.getBoundingClientRect().width / view.width : 1;
    sizes.push(parseFloat(getComputedStyle(text).fontSize) * scale);
  }
  return Math.min(...sizes);
}"""
CLIPPED = """() => [...document.querySelectorAll('.app-bars__label, .app-bars__value, .app-summary__item, .app-bars__bar')]
  .filter(el => { const box = el.getBoundingClientRect(); return box.left < -0.5 || box.right > document.documentElement.clientWidth + 0.5; })
  .map(el => el.className.baseVal || el.className)"""
REGIONS = """() => [...document.querySelectorAll('.app-table-scroll')].every(el =>
  el.getAttribute('role') === 'region' && el.tabIndex === 0
  && document.getElementById(el.getAttribute('aria-labelledby')).textContent.trim().length > 0)"""
SUMMARY_FIRST = """() => document.querySelector('.app-summary').getBoundingClientRect().top
  < document.querySelector('.app-table-scroll').getBoundingClientRect().top"""


def _check_figures_page(page) -> None:
    assert no_horizontal_scroll(page), f"{page.url} scrolls sideways"
    assert page.evaluate(SMALLEST_TEXT) >= 12, f"{page.url}: text smaller than 12 px"
    assert page.evaluate(CLIPPED) == [], f"{page.url}: chart words clipped"


@pytest.mark.parametrize("width", [375, 320])
def test_figures_on_a_phone_in_every_language(phone, narrow_page, visit, axe_checks, live_server, width):
    page = phone if width == 375 else narrow_page
    sign_in_as(page, visit, axe_checks, live_server, "commissioner")
    for code in LANGUAGES:
        visit(page, f"{live_server}/{code}/insights")
        _check_figures_page(page)
        assert page.evaluate(REGIONS), "every table scrolls in a named, focusable region"
        assert page.evaluate(SUMMARY_FIRST), "the summary comes before the tables"
        page.locator(".app-bars__row").first.wait_for()
        visit(page, f"{live_server}/{code}/insights/how-figures-are-made?figure=level_1_endings")
        assert no_horizontal_scroll(page), f"{page.url} scrolls sideways"
    visit(page, f"{live_server}/en/insights?period=all")
    _check_figures_page(page)
    visit(page, f"{live_server}/en/insights/how-figures-are-made")
    assert no_horizontal_scroll(page)
