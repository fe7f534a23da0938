"""Browser tests: Debian's chromium driven by Playwright against a live server on loopback.

- The live server is the real app on a free loopback port, on its own copy of the demo
  database, served by werkzeug in a thread.
- Pages are phones by default (375×812); `narrow_page` is 320 px wide; `no_js_page` has
  JavaScript off.
- axe-core runs on every page visited, and HTML_CodeSniffer beside it (a second engine:
  people test with others): `visit()` navigates and checks, and every test must end having
  checked each URL it reached (an autouse fixture asserts it), so a journey that clicks
  through to a new page cannot skip the check.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.conftest import live_portal, totp_code

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
# axe's best-practice rules too (landmarks, one main, headings in order, ...).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PHONE = {"width": 375, "height": 812}
_axe = Axe()
# HTML_CodeSniffer's WCAG 2 AA errors (its notices and warnings ask for a person's judgement).
HTMLCS = Path(__file__).resolve().parents[2] / "node_modules" / "html_codesniffer" / "build" / "HTMLCS.js"
HTMLCS_ERRORS = """() => new Promise(done => HTMLCS.process('WCAG2AA', document, () => done(
    HTMLCS.getMessages().filter(m => m.type === HTMLCS.ERROR)
        .map(m => m.code + ' at ' + (m.element.outerHTML || '').slice(0, 120)))))"""


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live(database_template, tmp_path_factory):
    """The live portal: its address and its database (for what a test must read there, like mail)."""
    with live_portal(database_template, tmp_path_factory.mktemp("live"),
                     {"RASA_URL": "http://127.0.0.1:9", "RASA_TIMEOUT_SECONDS": 0.5}) as running:
        yield running


@pytest.fixture(scope="session")
def live_server(live):
    return live.base_url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "device_scale_factor": 2, "is_mobile": True,
            "has_touch": True, "locale": "en-GB"}


class AxeChecks:
    """Records which URLs axe and HTML_CodeSniffer have checked, and which the page reached.
    A page without JavaScript cannot run axe itself: its HTML is checked in a JavaScript page
    on the same origin instead (same markup, same stylesheets). HTML_CodeSniffer is a script
    injected into the page, which the portal's Content-Security-Policy rightly refuses: it
    reads the page's HTML in a page on the same origin that lets it run."""

    def __init__(self, browser, base_url: str):
        self.checked: set[str] = set()
        self.reached: set[str] = set()
        self._browser, self._base_url, self._helpers = browser, base_url, {}

    def _copy(self, page, *, bypass_csp: bool):
        helper = self._helpers.get(bypass_csp)
        if helper is None:
            helper = self._helpers[bypass_csp] = self._browser.new_context(
                viewport=page.viewport_size or PHONE, bypass_csp=bypass_csp).new_page()
        html = page.content()
        helper.set_viewport_size(page.viewport_size or PHONE)
        helper.goto(f"{self._base_url}/healthz")
        helper.set_content(html, wait_until="load")
        return helper

    def close(self):
        for helper in self._helpers.values():
            helper.context.close()

    def check(self, page) -> None:
        page.wait_for_load_state("load")
        axe_page = self._copy(page, bypass_csp=False) if getattr(page, "no_js", False) else page
        results = _axe.run(axe_page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        violations = results.response["violations"]
        details = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}" for v in violations
        ]
        assert not details, f"axe on {page.url}:\n" + "\n".join(details)
        second = self._copy(page, bypass_csp=True)
        second.add_script_tag(path=HTMLCS)
        errors = second.evaluate(HTMLCS_ERRORS)
        assert not errors, f"HTML_CodeSniffer on {page.url}:\n" + "\n".join(errors)
        self.checked.add(page.url.split("#")[0])


@pytest.fixture
def axe_checks(browser, live_server):
    checks = AxeChecks(browser, live_server)
    yield checks
    checks.close()


def _watch(page, checks: AxeChecks):
    page.on("framenavigated", lambda frame: frame == page.main_frame and checks.reached.add(frame.url.split("#")[0]))
    return page


@pytest.fixture
def phone(page, axe_checks):
    """The default phone page, watched for navigations."""
    return _watch(page, axe_checks)


@pytest.fixture
def no_js_page(browser, browser_context_args, axe_checks):
    context = browser.new_context(**{**browser_context_args, "java_script_enabled": False})
    page = context.new_page()
    page.no_js = True
    yield _watch(page, axe_checks)
    context.close()


@pytest.fixture
def narrow_page(browser, browser_context_args, axe_checks):
    context = browser.new_context(**{**browser_context_args, "viewport": {"width": 320, "height": 640}})
    yield _watch(context.new_page(), axe_checks)
    context.close()


@pytest.fixture
def visit(axe_checks):
    def _visit(page, url: str):
        page.goto(url)
        axe_checks.check(page)
        return page

    return _visit


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_passed = report.passed
    return report


@pytest.fixture(autouse=True)
def every_page_reached_was_checked(request, axe_checks):
    yield
    if getattr(request.node, "call_passed", False):
        missed = sorted(axe_checks.reached - axe_checks.checked - {"about:blank"})
        assert not missed, f"pages reached without an axe check: {missed}"


def then_check(page, axe_checks, action) -> None:
    """Do something that navigates, wait for the new page, and run axe on it."""
    with page.expect_navigation():
        action()
    axe_checks.check(page)


def no_horizontal_scroll(page) -> bool:
    """The page is no wider than the screen. Against the layout viewport (clientWidth): on a
    phone (is_mobile) window.innerWidth grows to fit a page that is too wide, so comparing
    with it could never fail."""
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


# The live server lives for the whole run and a code works once: the time steps used so far.
_steps_used: dict[str, int] = {}


def type_the_code(page, axe_checks, account) -> None:
    """The second step of signing in: the code from the demo's published key, typed and sent
    with Enter, with axe on the page it leads to."""
    code, step = totp_code(account.totp_secret, _steps_used.get(account.totp_secret))
    _steps_used[account.totp_secret] = step
    page.focus("#code")
    page.keyboard.type(code)
    then_check(page, axe_checks, lambda: page.keyboard.press("Enter"))


def sign_in_as(page, visit, axe_checks, base: str, role: str) -> None:
    """Sign in as a demo role through the form (Enter to submit), and the code for roles that
    need one, with axe on every page."""
    from portal.demo import DEMO_ACCOUNTS

    account = next(a for a in DEMO_ACCOUNTS if a.role == role)
    visit(page, f"{base}/en/sign-in")
    page.fill("#email", account.email)
    page.fill("#password", account.password)
    then_check(page, axe_checks, lambda: page.keyboard.press("Enter"))
    if page.url.endswith("/sign-in/code"):
        type_the_code(page, axe_checks, account)
