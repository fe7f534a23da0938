"""Clients, accounts, teams, carers' consent and invitations."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, str_enum, utcnow


class Role(enum.StrEnum):
    client = "client"
    carer = "carer"
    staff = "staff"
    commissioner = "commissioner"
    admin = "admin"


class AccountStatus(enum.StrEnum):
    invited = "invited"
    active = "active"
    disabled = "disabled"


class CarerScope(enum.StrEnum):
    """What a client lets a carer see or do; each is granted separately."""

    plan = "plan"
    goals = "goals"  # goals and ratings, including rating as carer
    reviews = "reviews"
    arrangement = "arrangement"
    feedback = "feedback"  # give feedback on the client's behalf
    messages = "messages"  # read and write the client's messages with their team


class Team(Base):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


class Client(Base):
    """A person who receives support under the framework."""

    __tablename__ = "client"

    id: Mapped[int] = mapped_column(primary_key=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    preferred_language: Mapped[str] = mapped_column(String(16), default="en")
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(Text)
    area: Mapped[str | None] = mapped_column(String(64))  # area of the city, for provider matching
    date_of_birth: Mapped[dt.date | None]
    # Section 117 aftercare (Mental Health Act) is free: no contribution is charged.
    section_117_aftercare: Mapped[bool] = mapped_column(default=False)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    team: Mapped[Team | None] = relationship()

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Account(Base):
    """A sign-in. A client's account points at their Client record; staff belong to a team."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    status: Mapped[AccountStatus] = mapped_column(
        str_enum(AccountStatus, "account_status"), default=AccountStatus.invited
    )
    last_signin_at: Mapped[dt.datetime | None]
    # Two-step sign-in (TOTP, RFC 6238): the shared secret, encrypted (portal.domain.two_factor);
    # on once confirmed with a code; the time step of the last code accepted, so none is used twice.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_confirmed_at: Mapped[dt.datetime | None]
    totp_last_step: Mapped[int | None]
    preferred_language: Mapped[str] = mapped_column(String(16), default="en")
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id"), unique=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    client: Mapped[Client | None] = relationship()
    team: Mapped[Team | None] = relationship()


class CarerAccess(Base):
    """A client's invitation of a carer and consent for them to act with them, scope by
    scope. It grants nothing until the carer accepts it (`accepted_at`), and nothing after
    the client stops it (`revoked_at`). The client sees the name and address they typed, so
    the list says nothing about whose address it is; an address that belongs to staff gets
    an invitation row with no carer (`carer_account_id` empty) that can never be accepted."""

    __tablename__ = "carer_access"
    __table_args__ = (Index("ix_carer_access_active", "carer_account_id", "client_id", "revoked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    carer_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    carer_name: Mapped[str] = mapped_column(String(200), default="")  # as the client typed it
    invited_email: Mapped[str] = mapped_column(String(254), default="")  # as the client typed it, lower-cased
    scopes: Mapped[list] = mapped_column(default=list)  # list of CarerScope values
    relationship_to_client: Mapped[str | None] = mapped_column(String(100))
    granted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)  # when the client (last) invited them
    granted_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    accepted_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    carer: Mapped[Account | None] = relationship(foreign_keys=[carer_account_id])
    client: Mapped[Client] = relationship()

    def allows(self, scope: CarerScope) -> bool:
        return self.accepted_at is not None and self.revoked_at is None and scope.value in self.scopes


class LinkPurpose(enum.StrEnum):
    invitation = "invitation"  # set a first password
    password_reset = "password_reset"  # set a new one, for a forgotten password


class Invitation(Base):
    """A single-use, expiring link mailed to one account: an invitation to set a first
    password, or a link to reset a forgotten one. Only the newest works: a newer link, or
    one that was used, retires every other link of the account."""

    __tablename__ = "invitation"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    purpose: Mapped[LinkPurpose] = mapped_column(str_enum(LinkPurpose, "link_purpose"), default=LinkPurpose.invitation)
    token_hash: Mapped[str] = mapped_column(String(64))
    invited_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    retired_at: Mapped[dt.datetime | None]

    account: Mapped[Account] = relationship(foreign_keys=[account_id])


class SignInSession(Base):
    """One sign-in: the browser's cookie holds its random token, the database only a hash.
    Checked on every request; deleting the account's rows signs it out everywhere. It lives
    until signed out, idle too long (the cookie's last-seen time) or past its absolute
    lifetime from `started_at`. Until `second_factor_at` is set the password step alone
    has passed, and only the second step's pages open."""

    __tablename__ = "sign_in_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[dt.datetime] = mapped_column(index=True)
    second_factor_at: Mapped[dt.datetime | None]

    account: Mapped[Account] = relationship()


class RecoveryCode(Base):
    """A single-use code for the second step when the authenticator app is lost; only a
    hash is kept, and the person sees the codes once."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[dt.datetime | None]


class SignInThrottle(Base):
    """Failed attempts counted against one key (an email address, a network address, an
    account's second step, reset mails to an address), in the database so every worker
    and host sees the same count. Past the free attempts each further one makes the next
    wait longer, up to a limit; the count is forgotten a day after the last attempt."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)  # kind and a hash of the value
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[dt.datetime] = mapped_column(index=True)
    blocked_until: Mapped[dt.datetime | None]
