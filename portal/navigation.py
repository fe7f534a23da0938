"""Navigation as data: the public pages, grouped as a person looking for help thinks of them;
and the menu of each signed-in role (`SIGNED_IN_MENU`, read by the page header).

One structure, read by the home page, the site map and the crawl test (which fails when a
content page is in no group), so a new page is linked from everywhere by adding it here.
A link is either a content page (`content/<lang>/<slug>.md`: its title and summary come
from the page in the reader's language) or a portal page (an endpoint and its own words).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from .content import load_page
from .i18n import DEFAULT_LANGUAGE
from .rendering import lazy_gettext as _l


@dataclass(frozen=True)
class Link:
    slug: str = ""  # a content page
    endpoint: str = ""  # or a portal page, with its words
    text: str = ""
    summary: str = ""


@dataclass(frozen=True)
class Group:
    id: str
    title: str
    links: tuple[Link, ...]


def _page(slug: str) -> Link:
    return Link(slug=slug)


PUBLIC_GROUPS: tuple[Group, ...] = (
    Group("help-now", _l("Help now"), (
        Link(endpoint="pages.crisis", text=_l("Help in a crisis"),
             summary=_l("Who to call now if you or someone else is not safe.")),
        Link(endpoint="chat.chat_page", text=_l("Ask the assistant"),
             summary=_l("Ask a question about support and get an answer straight away.")),
    )),
    Group("support", _l("What support there is"), (
        _page("about-the-service"), _page("level-1-targeted-help"), _page("level-2-ongoing-care"),
        _page("which-level-is-for-me"), _page("carers"),
    )),
    Group("getting-support", _l("Getting support"), (
        _page("getting-support"),
        Link(endpoint="referrals.ask", text=_l("Ask for an assessment"),
             summary=_l("Ask online, for yourself or for someone else. You do not need to sign in.")),
        _page("support-plan-and-goals"), _page("reviews"),
        Link(endpoint="providers.directory", text=_l("Organisations that give support"),
             summary=_l("The providers the council works with, what they do and the languages they speak.")),
    )),
    Group("money", _l("Money"), (
        _page("money-and-contributions"), _page("council-arranged-or-direct-payments"),
    )),
    Group("your-say", _l("Having your say"), (
        Link(endpoint="feedback.public_form", text=_l("Give feedback"),
             summary=_l("Tell us how your support is going. You do not need to sign in.")),
        Link(endpoint="feedback.share", text=_l("Share the feedback form"),
             summary=_l("A link and a QR code for community groups to share or print.")),
        _page("feedback-and-complaints"),
    )),
    Group("about-this-website", _l("About this website"), (
        _page("accessibility-statement"), _page("how-we-use-your-information"), _page("cookies"),
        Link(endpoint="pages.site_map", text=_l("Site map"), summary=_l("Every page on this website.")),
    )),
)


@dataclass(frozen=True)
class MenuItem:
    endpoint: str
    text: str
    roles: frozenset[str]
    own_record: bool = False  # a page of the client's own record: only for a client with one


SIGNED_IN_MENU: tuple[MenuItem, ...] = (
    MenuItem("plans.my_support", _l("Your support"), frozenset({"client"}), own_record=True),
    MenuItem("messages.conversations", _l("Messages"), frozenset({"client"}), own_record=True),
    MenuItem("plans.people_i_support", _l("People you support"), frozenset({"carer"})),
    MenuItem("staff.caseload", _l("Caseload"), frozenset({"staff"})),
    MenuItem("messages.team_inbox", _l("Team messages"), frozenset({"staff"})),
    MenuItem("choice.queue", _l("Arrangement requests"), frozenset({"staff"})),
    MenuItem("staff.referral_queue", _l("Referrals"), frozenset({"staff"})),
    MenuItem("insights.dashboard", _l("Figures"), frozenset({"commissioner"})),
    MenuItem("staff.invite", _l("Invite someone"), frozenset({"staff", "admin"})),
    MenuItem("auth.account_home", _l("Your account"),
             frozenset({"client", "carer", "staff", "commissioner", "admin"})),
)


def signed_in_menu(account, endpoint: str | None) -> list[dict]:
    """The menu items of `account`'s role, as the header's service navigation shows them."""
    items = []
    for item in SIGNED_IN_MENU:
        if account.role.value not in item.roles or (item.own_record and not account.client_id):
            continue
        href = url_for(item.endpoint, client_id=account.client_id) if item.own_record else url_for(item.endpoint)
        items.append({"href": href, "text": str(item.text), "active": endpoint == item.endpoint})
    return items


@dataclass(frozen=True)
class ShownLink:
    href: str
    text: str
    summary: str
    lang: str  # the language the words are in (English when the page has no translation yet)


def shown(link: Link, lang: str) -> ShownLink:
    """A link as the reader sees it: a content page's own title and summary in their language."""
    if link.slug:
        page = load_page(lang, link.slug) or load_page(DEFAULT_LANGUAGE, link.slug)
        return ShownLink(url_for("pages.content_page", slug=link.slug), page.title, page.summary, page.lang)
    return ShownLink(url_for(link.endpoint), str(link.text), str(link.summary), lang)


def content_slugs() -> set[str]:
    """The content pages the groups link to."""
    return {link.slug for group in PUBLIC_GROUPS for link in group.links if link.slug}
