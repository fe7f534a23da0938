"""The staying-well plan (a contingency plan), in the client's own words: the early signs
that they are becoming unwell, what helps, what they will do, whom they want contacted (the
names and numbers they choose), and what they want to happen in a crisis.

It is written with the client on the plan form, kept in each version of the plan and agreed
like the rest of it. When a signed-in client's chat message shows risk, the chat shows it
beside the crisis numbers (`for_chat`). One read (`current`) and one template partial
(templates/plans/_staying_well.html) serve every page that shows it.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Account, CarerScope, SupportPlan, SupportPlanVersion
from . import records

PARTS = ("warning_signs", "what_helps", "what_i_will_do", "in_a_crisis")
MAX_TEXT = 2000
MAX_CONTACTS = 5
MAX_NAME = 100
# UK numbers have 10 or 11 digits, short ones such as 111 or 116 123 fewer, international
# ones up to 15 (E.164); spaces, brackets and hyphens are for reading only.
_PHONE = re.compile(r"\+?[0-9][0-9 ()\-]*")
PHONE_DIGITS = range(3, 16)
MAX_PHONE = 25


def phone_problem(phone: str) -> str | None:
    """What is wrong with a phone number as typed (a PlanRuleError code), or None."""
    digits = re.sub(r"[^0-9]", "", phone)
    if len(phone) > MAX_PHONE or not _PHONE.fullmatch(phone) or len(digits) not in PHONE_DIGITS:
        return "phone_not_valid"
    return None


def tel_uri(phone: str) -> str:
    """The number as a link a phone dials: digits only (and a leading +)."""
    return "tel:" + re.sub(r"[^0-9+]", "", phone)


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str

    @property
    def tel(self) -> str:
        return tel_uri(self.phone)


@dataclass(frozen=True)
class StayingWell:
    warning_signs: str = ""
    what_helps: str = ""
    what_i_will_do: str = ""
    in_a_crisis: str = ""
    contacts: tuple[Contact, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not self.contacts and not any(getattr(self, part) for part in PARTS)

    def as_dict(self) -> dict:
        """As a plan version keeps it."""
        if self.is_empty:
            return {}
        return {**{part: getattr(self, part) for part in PARTS},
                "contacts": [{"name": c.name, "phone": c.phone} for c in self.contacts]}

    def problem(self) -> str | None:
        """What is wrong with this staying-well plan (a PlanRuleError code), or None."""
        if any(len(getattr(self, part)) > MAX_TEXT for part in PARTS):
            return "staying_well_too_long"
        if len(self.contacts) > MAX_CONTACTS:
            return "too_many_contacts"
        for contact in self.contacts:
            if not contact.name.strip() or len(contact.name) > MAX_NAME:
                return "contact_name_needed"
            if phone_problem(contact.phone):
                return "phone_not_valid"
        return None

    @classmethod
    def from_dict(cls, data: dict | None) -> StayingWell:
        data = data or {}
        return cls(**{part: data.get(part) or "" for part in PARTS},
                   contacts=tuple(Contact(c.get("name", ""), c.get("phone", "")) for c in data.get("contacts") or ()))


def current(session: Session, client_id: int) -> StayingWell | None:
    """The staying-well plan in the client's open plan as it reads now, or None when there
    is none yet. The caller has opened the record (records.open_client_record)."""
    kept = session.scalar(
        select(SupportPlanVersion.staying_well).join(SupportPlan, SupportPlan.id == SupportPlanVersion.plan_id)
        .where(SupportPlan.client_id == client_id, SupportPlan.ended_on.is_(None),
               SupportPlanVersion.version_no == SupportPlan.current_version_no)
        .order_by(SupportPlan.started_on.desc()).limit(1))
    found = StayingWell.from_dict(kept)
    return None if found.is_empty else found


def for_chat(session: Session, *, reader: Account, client_id: int | None, now: dt.datetime,
             request_id: str | None = None) -> StayingWell | None:
    """The staying-well plan to show beside the crisis help in the chat: the reader's own,
    or, for a carer granted the plan, that of the person they are acting for. The read goes
    through the access decision and is audited like the assistant's personal answers; the
    caller commits."""
    if client_id is None:
        return None
    try:
        records.open_client_record(session, reader=reader, client_id=client_id, action="staying_well_in_chat",
                                   now=now, scope=CarerScope.plan, route="chat.staying_well", request_id=request_id)
    except records.RecordNotAvailable:
        return None
    return current(session, client_id)
