"""Secure messages in the synthetic city: a few conversations per team, in people's words.

Drawn with a random generator of their own, after everything else, so adding them changed
none of the city's other rows. One conversation per team shows high risk: it is urgent
and has its safeguarding alert, as the rules make them (tests/demo check that the risk
detector reads these words as high risk, and the others not).
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..models import (
    Account,
    AlertSource,
    Conversation,
    ConversationStatus,
    Message,
    MessageRead,
    SafeguardingAlert,
)
from .draws import at


@dataclass(frozen=True)
class Said:
    by: str  # "client", "carer" or "staff"
    text: str
    hours_later: float = 0


@dataclass(frozen=True)
class Story:
    subject: str
    said: tuple[Said, ...]
    closed: bool = False
    urgent: bool = False


EVERYDAY = (
    Story("Moving Thursday's visit", (
        Said("client", "Hi, I have a hospital appointment on Thursday morning. Could my support worker come on "
                       "Friday instead?"),
        Said("staff", "Thanks for letting us know. I have asked the provider about Friday morning. They will ring "
                      "you to confirm the time.", 5),
        Said("client", "That's great, thank you.", 7),
    ), closed=True),
    Story("Direct payment letter", (
        Said("client", "I got a letter about my direct payment and I don't understand the part about keeping "
                       "receipts. Can someone explain it to me?"),
        Said("staff", "Of course. I can go through the letter with you at your next visit, or ring you this week. "
                      "Which would you prefer?", 20),
    )),
    Story("A different support worker", (
        Said("client", "Is it possible to have a different support worker? The one I have is kind but we don't "
                       "really get on."),
        Said("staff", "Thank you for telling us, it's fine to ask. I'll talk to the provider about who else could "
                      "visit and let you know.", 26),
    )),
    Story("My review", (
        Said("client", "When is my review? I would like my sister to come with me if that's okay."),
    )),
)
FROM_A_CARER = Story("Going back to college", (
    Said("carer", "My brother asked me to write for him. He would like to talk to someone about going back to "
                  "college in September."),
    Said("staff", "Thank you. I'll add it to what we talk about at his next visit, and ring him on Monday.", 22),
))
URGENT = Story("Struggling this week", (
    Said("client", "I'm really struggling this week. I want to end my life and I can't see the point any more."),
), urgent=True)


class DemoMessages:
    def __init__(self, session: Session, *, seed: int, today: dt.date, staff: dict[str, list[Account]],
                 team_of_area: dict[str, str]):
        self.session = session
        self.rng = random.Random(f"messages-{seed}")
        self.today = today
        self.staff = staff
        self.team_of_area = team_of_area
        self.key_no = 0
        self.counts = {"conversation": 0, "conversation_message": 0}

    def build(self, people: list[dict], demo_carer: Account) -> dict[str, int]:
        """The demo client's own conversations (one written by the demo carer, its reply
        not read yet), then in each team three everyday conversations and one urgent."""
        demo = people[0]
        own_worker = self.staff[self.team_of_area[demo["area"]]][0]  # the demo staff sign-in
        self._tell(demo, EVERYDAY[0], days_back=12, worker=own_worker)
        self._tell(demo, FROM_A_CARER, days_back=3, worker=own_worker, carer=demo_carer, unread_by_client=True)
        with_accounts = [p for p in people[1:] if p["account"] is not None and p["kind"] is not None]
        for team_name in self.staff:
            in_team = [p for p in with_accounts if self.team_of_area[p["area"]] == team_name]
            chosen = self.rng.sample(in_team, min(4, len(in_team)))
            for person, story in zip(chosen, (*EVERYDAY[1:], URGENT), strict=False):
                self._tell(person, story, days_back=self.rng.randint(1, 14))
        self.session.flush()
        return self.counts

    def _key(self) -> str:
        self.key_no += 1
        return f"demo-message-{self.key_no:05d}"

    def _tell(self, person: dict, story: Story, *, days_back: int, worker: Account | None = None,
              carer: Account | None = None, unread_by_client: bool = False) -> None:
        client = person["client"]
        worker = worker or self.rng.choice(self.staff[self.team_of_area[person["area"]]])
        start = at(self.today - dt.timedelta(days=days_back), self.rng.randint(8 * 60, 20 * 60))
        authors = {"client": person["account"], "carer": carer, "staff": worker}
        replied = any(said.by == "staff" for said in story.said)
        conversation = Conversation(
            client=client, subject=story.subject, urgent=story.urgent,
            status=ConversationStatus.closed if story.closed else ConversationStatus.open,
            assigned_to=worker if replied else None, started_by_account_id=authors[story.said[0].by].id,
            created_at=start)
        self.session.add(conversation)
        self.session.flush()
        last: dict[int, int] = {}
        when = start
        for said in story.said:
            when = start + dt.timedelta(hours=said.hours_later)
            author = authors[said.by]
            message = Message(conversation_id=conversation.id, author_account_id=author.id, author_role=said.by,
                              created_at=when, language="en", body=said.text, submission_key=self._key())
            self.session.add(message)
            self.session.flush()
            last[author.id] = message.id
            self.counts["conversation_message"] += 1
        conversation.last_message_at = when
        if story.closed:
            conversation.closed_at = when + dt.timedelta(hours=1)
        readers = dict(last)
        if not unread_by_client and replied:
            readers[person["account"].id] = message.id  # the client has read the reply
        for account_id, message_id in readers.items():
            self.session.add(MessageRead(conversation_id=conversation.id, account_id=account_id,
                                         last_read_message_id=message_id, read_at=when))
        if story.urgent:
            self.session.add(SafeguardingAlert(source=AlertSource.message, kinds=["self"], client_id=client.id,
                                               team_id=client.team_id, text=f"{story.subject}\n{story.said[0].text}",
                                               raised_at=start))
        self.counts["conversation"] += 1
