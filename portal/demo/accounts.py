"""The demo sign-ins (one per role, with published passwords) and the staff the city employs."""
from __future__ import annotations

from dataclasses import dataclass

from ..models import CarerScope


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str


DEMO_ACCOUNTS = [
    DemoAccount("client", "client@demo.mhisf.invalid", "demo-client-river-lantern"),
    DemoAccount("carer", "carer@demo.mhisf.invalid", "demo-carer-harbour-violet"),
    DemoAccount("staff", "staff@demo.mhisf.invalid", "demo-staff-meadow-copper"),
    DemoAccount("commissioner", "commissioner@demo.mhisf.invalid", "demo-commissioner-cedar-quartz"),
    DemoAccount("admin", "admin@demo.mhisf.invalid", "demo-admin-orchid-granite"),
]
DEMO_EMAIL_DOMAIN = "demo.mhisf.invalid"
DEMO_CARER_SCOPES = [CarerScope.plan, CarerScope.goals, CarerScope.reviews, CarerScope.feedback]

STAFF = {  # fictional social care staff; the first North name is the demo staff account
    "North team": ["Jo Whitfield", "Kamran Aziz", "Bethany Cole"],
    "East and Central team": ["Nadia Rahman", "Tom Hadfield", "Grace Osei"],
    "South team": ["Ewan Fletcher", "Kasia Nowicka", "Rebecca Lowe"],
    "West team": ["Mei Lin Chau", "Owen Pritchard", "Sadia Begum"],
}
OTHER_ACCOUNTS = {"commissioner": ["Priya Raman", "Helen Dyson"], "admin": ["Chris Morley"]}


def demo_email(role: str) -> str:
    """The published sign-in of a role."""
    return next(d.email for d in DEMO_ACCOUNTS if d.role == role)
