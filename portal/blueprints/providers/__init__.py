"""The public directory of framework providers; staff and administrators keep it current."""
from __future__ import annotations

import re

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...access import PUBLIC, audience, current_account
from ...db import db
from ...domain import providers
from ...models import Role, utcnow
from .forms import ProviderForm

bp = Blueprint("providers", __name__)
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


def _filter_from_args() -> providers.ProviderFilter:
    level = request.args.get("level", "")
    language = request.args.get("language", "")
    area = request.args.get("area", "")
    return providers.ProviderFilter(
        level=int(level) if level in ("1", "2") else None,
        language=language if LANGUAGE_CODE.match(language) else None,
        area=area if area in providers.CITY_AREAS else None,
    )


@bp.get("/providers")
@audience(PUBLIC)
def directory():
    wanted = _filter_from_args()
    return render_template(
        "providers/directory.html",
        found=providers.search(db.session, wanted),
        wanted=wanted,
        areas=providers.CITY_AREAS,
        provider_languages=providers.languages_offered(db.session),
    )


@bp.get("/providers/<slug>")
@audience(PUBLIC)
def provider_page(slug: str):
    provider = providers.by_slug(db.session, slug)
    if provider is None:
        abort(404)
    return render_template("providers/provider.html", provider=provider)


def _changes(form: ProviderForm) -> dict:
    def split(text: str) -> list[str]:
        return [part.strip() for part in (text or "").split(",") if part.strip()]

    return {
        "name": form.name.data,
        "description": form.description.data or "",
        "levels": sorted(form.levels.data),
        "languages": [code.lower() for code in split(form.languages.data)],
        "communities": split(form.communities.data),
        "areas": form.areas.data,
        "accepting_new_clients": bool(form.accepting_new_clients.data),
        "typical_wait_weeks": int(form.typical_wait_weeks.data) if form.typical_wait_weeks.data else None,
        "phone": form.phone.data or None,
        "email": form.email.data or None,
        "website": form.website.data or None,
    }


def _save(provider, form):
    languages = [code.strip().lower() for code in (form.languages.data or "").split(",") if code.strip()]
    if any(not LANGUAGE_CODE.match(code) for code in languages):
        form.languages.errors = [_("Enter language codes of 2 or 3 letters, like en or ar")]
        return None
    saved = providers.save_provider(
        db.session, provider, changes=_changes(form), by=current_account(), now=utcnow(),
        route=request.endpoint, request_id=g.request_id,
    )
    db.session.commit()
    return redirect(url_for("providers.provider_page", slug=saved.slug))


@bp.route("/providers/<slug>/edit", methods=["GET", "POST"])
@audience(Role.staff, Role.admin)
def edit(slug: str):
    provider = providers.by_slug(db.session, slug)
    if provider is None:
        abort(404)
    g.personal = True
    form = ProviderForm(obj=provider) if request.method == "GET" else ProviderForm()
    if request.method == "GET":
        form.languages.data = ", ".join(provider.languages)
        form.communities.data = ", ".join(provider.communities)
        form.typical_wait_weeks.data = "" if provider.typical_wait_weeks is None else str(provider.typical_wait_weeks)
    if form.validate_on_submit():
        response = _save(provider, form)
        if response is not None:
            return response
    return render_template("providers/edit.html", form=form, provider=provider)


@bp.route("/providers/new", methods=["GET", "POST"])
@audience(Role.admin)
def new():
    g.personal = True
    form = ProviderForm()
    if form.validate_on_submit():
        response = _save(None, form)
        if response is not None:
            return response
    return render_template("providers/edit.html", form=form, provider=None)
