"""Commands: `flask --app portal <command>`."""
from __future__ import annotations

import json
import time

import click
from flask import Flask, current_app

from . import migrate
from .db import db, writing
from .domain import outbox
from .models import utcnow


def smtp_settings() -> outbox.SmtpSettings:
    config = current_app.config
    return outbox.SmtpSettings(
        host=config["SMTP_HOST"], port=config["SMTP_PORT"], mail_from=config["MAIL_FROM"],
        username=config["SMTP_USERNAME"], password=config["SMTP_PASSWORD"], starttls=config["SMTP_STARTTLS"],
    )


def init_app(app: Flask) -> None:
    @app.cli.command("db-upgrade")
    def db_upgrade():
        """Apply Alembic migrations up to head."""
        migrate.upgrade(current_app.config["DATABASE_URL"])
        click.echo("database at head")

    @app.cli.command("db-revision")
    @click.argument("message")
    def db_revision(message: str):
        """Autogenerate a migration from the models (review it before committing)."""
        migrate.autogenerate(current_app.config["DATABASE_URL"], message)

    @app.cli.command("demo-data")
    @click.option("--seed", default=2022, show_default=True)
    @click.option("--scale", "scale_clients", type=int, default=0,
                  help="Bulk-generate this many clients (and ten feedback responses each) for benchmarks.")
    @click.option("--if-empty", is_flag=True, help="Do nothing if the database already has accounts.")
    def demo_data(seed: int, scale_clients: int, if_empty: bool):
        """Build the deterministic synthetic city (migrates first)."""
        from . import demo

        migrate.upgrade(current_app.config["DATABASE_URL"])
        if if_empty and demo.has_data(db.session):
            with writing():  # a database made before two-step sign-in: the demo keys still work
                demo.enrol_two_factor(db.session, secret_key=current_app.config["SECRET_KEY"], now=utcnow())
                db.session.commit()
            click.echo("demo data already present")
            return
        started = time.perf_counter()
        with writing():
            if scale_clients:
                counts = demo.build_scale(db.engine, clients=scale_clients, seed=seed)
            else:
                counts = demo.build(db.session, seed=seed, now=utcnow())
                demo.enrol_two_factor(db.session, secret_key=current_app.config["SECRET_KEY"], now=utcnow())
                db.session.commit()
        click.echo(f"demo data: {json.dumps(counts)} in {time.perf_counter() - started:.1f} s")

    @app.cli.command("demo-accounts")
    @click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
    def demo_accounts(as_json: bool):
        """The demo sign-ins, one per role."""
        from . import demo
        from .domain import two_factor

        rows = demo.DEMO_ACCOUNTS
        if as_json:
            click.echo(json.dumps([{"role": r.role, "email": r.email, "password": r.password,
                                    "totp_secret": r.totp_secret} for r in rows]))
        else:
            step = two_factor.step_of(utcnow())
            for r in rows:
                code = f"  code now: {two_factor.code_at(r.totp_secret, step)} (key {r.totp_secret})" if r.totp_secret else ""
                click.echo(f"{r.role:<13} {r.email:<34} {r.password}{code}")

    @app.cli.command("reset-two-factor")
    @click.argument("email")
    def reset_two_factor(email: str):
        """For someone who lost both their authenticator app and their recovery codes: turns
        two-step sign-in off and signs them out; staff set it up again at their next sign-in."""
        from sqlalchemy import select

        from .domain import accounts, audit, two_factor
        from .models import Account

        with writing():
            account = db.session.scalar(select(Account).where(Account.email == accounts.normalise_email(email)))
            if account is None:
                raise click.ClickException("no account with that email address")
            two_factor.turn_off(db.session, account)
            accounts.sign_out_everywhere(db.session, account)
            audit.record(db.session, actor=None, action="two_factor_reset", now=utcnow(), client_id=account.client_id,
                         object_type="account", object_id=account.id, route="cli.reset-two-factor")
            db.session.commit()
        click.echo("two-step sign-in reset; they set it up again at their next sign-in")

    @app.cli.command("send-mail")
    @click.option("--loop", is_flag=True, help="Keep sending every few seconds.")
    @click.option("--interval", default=5.0, show_default=True)
    def send_mail(loop: bool, interval: float):
        """Send what is due in the outbox."""
        factory = db.session.session_factory
        while True:
            counts = outbox.send_due(factory, smtp_settings(), now=utcnow(),
                                     max_attempts=current_app.config["OUTBOX_MAX_ATTEMPTS"])
            if counts["sent"] or counts["failed"] or not loop:
                click.echo(json.dumps(counts))
            if not loop:
                return
            time.sleep(interval)

    @app.cli.command("review-reminders")
    @click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="Pretend it is this day (YYYY-MM-DD).")
    def review_reminders(today):
        """Queue review reminders due today (4 weeks and 1 week before); safe to run twice."""
        from .reminders import queue_review_reminders

        day = today.date() if today else utcnow().date()
        with writing():
            queued = queue_review_reminders(db.session, day)
            db.session.commit()
        click.echo(json.dumps({"queued": queued}))

    @app.cli.command("rebuild-tallies")
    def rebuild_tallies():
        """Recount the feedback tallies from the responses (after an upgrade or a bulk load)."""
        from .domain import tally

        with writing():
            rows = tally.rebuild(db.session)
            db.session.commit()
        click.echo(json.dumps({"tally_rows": rows}))

    @app.cli.command("insights-release")
    @click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="Pretend it is this day (YYYY-MM-DD).")
    @click.option("--correction", metavar="NOTE", default=None,
                  help="Count this month's release again as a correction; NOTE says what it corrects.")
    def insights_release(today, correction):
        """Release the commissioners' figures for the closed periods (run daily: from the
        first working day of a month it makes that month's release, once)."""
        import datetime as dt

        from .domain import releases

        now = dt.datetime.combine(today.date(), dt.time(6), dt.UTC) if today else utcnow()
        if correction is not None and not 0 < len(correction.strip()) <= 2000:
            raise click.ClickException("a correction needs a note of 1 to 2000 characters saying what it corrects")
        if correction is None and not releases.is_due(now.date()):
            first = releases.first_working_day(now.year, now.month)
            click.echo(json.dumps({"released": None, "due_on": first.isoformat()}))
            return
        with writing():
            try:
                release = releases.make_release(db.session, now=now, correction_note=correction)
            except releases.NothingToCorrect as error:
                raise click.ClickException("this month has no release yet: there is nothing to correct") from error
            db.session.commit()
        click.echo(json.dumps({"released": release.released_on.isoformat() if release else None,
                               "revision": release.revision if release else None}))

    @app.cli.command("purge")
    def purge():
        """Delete what is past its retention period (run daily)."""
        from .domain import retention

        config = current_app.config
        policy = retention.RetentionPolicy(
            outbox_days=config["RETENTION_OUTBOX_DAYS"], draft_days=config["RETENTION_DRAFT_DAYS"],
            invitation_days=config["RETENTION_INVITATION_DAYS"],
            withheld_text_days=config["RETENTION_WITHHELD_TEXT_DAYS"], audit_days=config["RETENTION_AUDIT_DAYS"],
            message_days=config["RETENTION_MESSAGE_DAYS"],
        )
        with writing():
            counts = retention.purge(db.session, now=utcnow(), policy=policy)
            db.session.commit()
        click.echo(json.dumps(counts))

    @app.cli.command("dev-smtp")
    @click.option("--port", default=None, type=int)
    def dev_smtp(port: int | None):
        """A local SMTP server for development: prints each mail and keeps it in instance/mail/."""
        from .devmail import serve

        serve(port or current_app.config["SMTP_PORT"], current_app.instance_path)
