"""Secure messages between a client (or a carer they allow) and the client's team."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, str_enum, utcnow
from .people import Account, Client


class ConversationStatus(enum.StrEnum):
    open = "open"
    closed = "closed"


class Conversation(Base):
    """A conversation between a client's side (the client, carers they allow) and the
    client's team. `urgent` is raised when something written in it showed high risk, and
    stays: the team inbox lists urgent conversations first."""

    __tablename__ = "conversation"
    __table_args__ = (Index("ix_conversation_client_latest", "client_id", "last_message_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"))
    subject: Mapped[str] = mapped_column(String(120))
    status: Mapped[ConversationStatus] = mapped_column(
        str_enum(ConversationStatus, "conversation_status"), default=ConversationStatus.open)
    urgent: Mapped[bool] = mapped_column(default=False)
    assigned_to_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    started_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    closed_at: Mapped[dt.datetime | None]

    client: Mapped[Client] = relationship()
    assigned_to: Mapped[Account | None] = relationship(foreign_keys=[assigned_to_account_id])


class Message(Base):
    """One message: who wrote it, as whom, when and in which language. Never edited and
    never deleted by the application (the ORM refuses both); only the retention purge
    removes old conversations, with a Core statement."""

    __tablename__ = "conversation_message"
    __table_args__ = (Index("ix_conversation_message_thread", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"))
    author_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    author_role: Mapped[str] = mapped_column(String(16))  # client, carer or staff, when they wrote it
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    language: Mapped[str] = mapped_column(String(16), default="en")
    body: Mapped[str] = mapped_column(Text)
    # Random per form: the send button carries it, so a double submit stores one message.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)

    author: Mapped[Account | None] = relationship()


class MessageRead(Base):
    """How far one person has read one conversation (each person keeps their own)."""

    __tablename__ = "message_read"

    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), primary_key=True)
    last_read_message_id: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
