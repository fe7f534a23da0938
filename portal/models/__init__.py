"""SQLAlchemy 2.0 typed models. Schema changes go through Alembic (portal/migrations)."""
from sqlalchemy import event

from .assistant_misses import UnansweredQuestion
from .base import Base, utcnow
from .insights import ClientEthnicity, InsightRelease
from .messages import Conversation, ConversationStatus, Message, MessageRead
from .people import (
    Account,
    AccountStatus,
    CarerAccess,
    CarerScope,
    Client,
    Invitation,
    LinkPurpose,
    RecoveryCode,
    Role,
    SignInSession,
    SignInThrottle,
    Team,
)
from .plans import (
    Arrangement,
    Goal,
    GoalRating,
    GoalStatus,
    PlanStatus,
    RatedBy,
    Referral,
    Review,
    ReviewOutcome,
    SupportLocation,
    SupportPlan,
    SupportPlanVersion,
)
from .services import (
    AlertSource,
    ArrangementRequest,
    AssistantGrant,
    AuditEvent,
    EqualityMonitoring,
    FeedbackChannel,
    FeedbackResponse,
    FeedbackTally,
    FormDraft,
    FreeTextStatus,
    OutboxMessage,
    Provider,
    RequestStatus,
    RespondentType,
    SafeguardingAlert,
)
from .updates import PlanComment, ReviewRequest, ReviewUrgency, Update, UpdateKind


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _audit_is_append_only(_mapper, _connection, _target):
    raise PermissionError("audit events are append-only")


@event.listens_for(Message, "before_update")
@event.listens_for(Message, "before_delete")
def _messages_are_append_only(_mapper, _connection, _target):
    raise PermissionError("messages are never edited, only added")


__all__ = [name for name in dir() if not name.startswith("_")]
