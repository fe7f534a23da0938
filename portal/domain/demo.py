"""A deterministic synthetic city for demos, tests and benchmarks.

Everything here is invented: people, addresses, providers and feedback. Providers carry
"(fictional)" in their names, use reserved example.org addresses and the Ofcom range kept for
drama (0114 496 0xxx); client phones use the drama mobile range (07700 900xxx).

`build` makes about 300 clients of a city the size of Sheffield, with two years of history
dated from `now.date()`, so the data stays current: the same seed on the same date gives the
same data (password hashes and session tokens excepted: they stay random secrets).

Conventions (the plan rules must agree with them):
- A support block runs 12 months: block_end = block_start + 12 months - 1 day; the next
  block starts the day after. The annual review is due on block_end, and an open plan's
  next_review_due = block_end (an overdue review is one whose block_end has passed without
  a completed review, so the plan still shows the old block).
- Level 1 time runs from level_1_started_on (the first Level 1 start) across blocks: the aim
  is discharge within 12 months, 24 at most. Level 2 plans keep level_1_started_on empty.
- A plan's own level, status, arrangement, provider and block are those of its latest version.

`build_scale` bulk-inserts many more clients with SQLAlchemy Core, for benchmarks.
"""
from __future__ import annotations

import datetime as dt
import random
import unicodedata
import uuid
from dataclasses import dataclass

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from ..models import (
    Account,
    AccountStatus,
    Arrangement,
    ArrangementRequest,
    CarerAccess,
    CarerScope,
    Client,
    EqualityMonitoring,
    FeedbackChannel,
    FeedbackResponse,
    FreeTextStatus,
    Goal,
    GoalRating,
    GoalStatus,
    PlanStatus,
    Provider,
    RatedBy,
    Referral,
    RequestStatus,
    RespondentType,
    Review,
    ReviewOutcome,
    Role,
    SupportLocation,
    SupportPlan,
    SupportPlanVersion,
    Team,
    utcnow,
)
from . import accounts, survey, tally
from .plans import add_months, block_end_for, months_between


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

# ---------------------------------------------------------------------------------------
# The city

AREAS = ["North", "North East", "East", "Central", "South", "South West", "West"]
TEAMS = {
    "North team": ["North", "North East"],
    "East and Central team": ["East", "Central"],
    "South team": ["South"],
    "West team": ["West", "South West"],
}
AREA_TEAM = {area: team for team, areas in TEAMS.items() for area in areas}
DISTRICTS = {
    "North": ["S5", "S6", "S35"], "North East": ["S4", "S5", "S9"], "East": ["S9", "S13", "S2"],
    "Central": ["S1", "S2", "S3"], "South": ["S7", "S8", "S12"], "South West": ["S10", "S11", "S17"],
    "West": ["S6", "S10"],
}
STREETS = ["Lantern Row", "Kestrel Walk", "Millstone Close", "Tinsmith Lane", "Cutlers Yard View",
           "Bramble Rise", "Quarry Top", "Weir Side", "Owlet Grove", "Furnace Hill Court",
           "Rowan Terrace", "Beck Meadow", "Saddler Way", "Ironstone Drive", "Larkfield Crescent"]

STAFF = {  # fictional social care staff; the first North name is the demo staff account
    "North team": ["Jo Whitfield", "Kamran Aziz", "Bethany Cole"],
    "East and Central team": ["Nadia Rahman", "Tom Hadfield", "Grace Osei"],
    "South team": ["Ewan Fletcher", "Kasia Nowicka", "Rebecca Lowe"],
    "West team": ["Mei Lin Chau", "Owen Pritchard", "Sadia Begum"],
}
OTHER_ACCOUNTS = {"commissioner": ["Priya Raman", "Helen Dyson"], "admin": ["Chris Morley"]}


@dataclass(frozen=True)
class Heritage:
    key: str
    weight: int
    language: str  # community language; preferred by `p_language` of people
    p_language: float
    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]
    family_female: tuple[str, ...] | None  # when surnames take a female form
    areas: dict[str, int]
    ethnicity: str


HERITAGES = [
    Heritage("english", 58, "en", 0.0,
             ("Sarah", "Emma", "Claire", "Joanne", "Helen", "Rachel", "Lisa", "Karen", "Michelle", "Gemma",
              "Hannah", "Laura", "Susan", "Margaret", "Chloe", "Jade", "Amy", "Lucy", "Donna", "Tracey"),
             ("David", "Paul", "Mark", "Andrew", "Darren", "Craig", "Lee", "Gary", "Steven", "Michael",
              "James", "Daniel", "Ryan", "Thomas", "Liam", "Kevin", "Stuart", "Neil", "Robert", "Jack"),
             ("Smith", "Jones", "Taylor", "Brown", "Wilson", "Walker", "Wright", "Hall", "Wood", "Thompson",
              "Robinson", "Clarke", "Turner", "Hill", "Marsh", "Shaw", "Hudson", "Barker", "Booth",
              "Staniforth", "Hague", "Sykes", "Cawthorne", "Whitworth", "Priestley", "Hodgson", "Lindley"),
             None, {"North": 3, "North East": 2, "East": 2, "Central": 1, "South": 3, "South West": 2, "West": 2},
             "white_british"),
    Heritage("caribbean_african", 6, "en", 0.0,
             ("Marcia", "Janelle", "Precious", "Chantelle", "Abena", "Grace"),
             ("Delroy", "Winston", "Kwame", "Tunde", "Marcus", "Leon"),
             ("Campbell", "Francis", "Mensah", "Okafor", "Adeyemi", "Williams", "Grant", "Boateng"),
             None, {"Central": 3, "North East": 2, "South": 1, "East": 1}, "caribbean"),
    Heritage("pakistani", 8, "ur", 0.35,
             ("Ayesha", "Nazia", "Shazia", "Farzana", "Rubina", "Saima", "Sana", "Noreen"),
             ("Imran", "Tariq", "Asif", "Khalid", "Nadeem", "Zubair", "Shahid", "Usman"),
             ("Khan", "Hussain", "Ahmed", "Akhtar", "Iqbal", "Shah", "Mahmood", "Rashid", "Butt", "Malik"),
             None, {"North East": 3, "East": 3, "Central": 2, "North": 1}, "pakistani"),
    Heritage("arabic", 7, "ar", 0.5,
             ("Fatima", "Mariam", "Noor", "Layla", "Huda", "Samira", "Amal", "Rania"),
             ("Ahmed", "Mohammed", "Ali", "Omar", "Khaled", "Yasser", "Hamza", "Salem"),
             ("Al-Hakimi", "Saleh", "Nasser", "Qasim", "Al-Amri", "Haddad", "Mansour", "Saeed", "Obaid"),
             None, {"Central": 3, "East": 2, "North East": 2, "North": 1}, "arab"),
    Heritage("chinese", 4, "zh", 0.5,
             ("Mei", "Xiu Ying", "Li Na", "Hui", "Yan", "Jing"),
             ("Wei", "Jun", "Hao", "Ming", "Jian", "Lei"),
             ("Wang", "Li", "Zhang", "Chen", "Liu", "Yang", "Huang", "Wong", "Lam", "Cheung"),
             None, {"Central": 3, "West": 2, "South West": 2}, "chinese"),
    Heritage("slovak", 4, "sk", 0.6,
             ("Zuzana", "Monika", "Lucia", "Jana", "Veronika", "Silvia"),
             ("Marek", "Peter", "Tomáš", "Jozef", "Ladislav", "Milan"),
             ("Horváth", "Baláž", "Lakatoš", "Kováč", "Oláh", "Gažo", "Berky", "Tancoš"),
             ("Horváthová", "Balážová", "Lakatošová", "Kováčová", "Oláhová", "Gažová", "Berkyová",
              "Tancošová"),
             {"North East": 4, "East": 2}, "roma"),
    Heritage("polish", 4, "pl", 0.5,
             ("Agnieszka", "Katarzyna", "Magdalena", "Joanna", "Ewa", "Anna"),
             ("Piotr", "Tomasz", "Krzysztof", "Marcin", "Paweł", "Łukasz"),
             ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński", "Mazur"),
             ("Nowak", "Kowalska", "Wiśniewska", "Wójcik", "Kamińska", "Lewandowska", "Zielińska", "Mazur"),
             {"East": 2, "North East": 2, "North": 1, "South": 1}, "other_white"),
    Heritage("romanian", 3, "ro", 0.5,
             ("Ioana", "Elena", "Andreea", "Mihaela", "Gabriela"),
             ("Andrei", "Ionuț", "Florin", "Mihai", "Cristian", "Vasile"),
             ("Popescu", "Ionescu", "Stan", "Dumitru", "Constantin", "Munteanu", "Lăcătuș"),
             None, {"East": 2, "North East": 2, "Central": 1}, "other_white"),
    Heritage("somali", 4, "so", 0.5,
             ("Hodan", "Fadumo", "Ayaan", "Sahra", "Hibo", "Nimco"),
             ("Abdi", "Mahad", "Farah", "Abdirahman", "Liban", "Yusuf"),
             ("Mohamed", "Ali", "Hassan", "Warsame", "Jama", "Abdullahi", "Osman", "Aden"),
             None, {"North": 2, "Central": 2, "North East": 2}, "african"),
]
LANGUAGES = ["en", "ar", "zh", "ur", "sk", "pl", "ro", "so"]  # preferred languages in the demo

# Fictional framework providers (the tender's two lots are the two levels).
PROVIDERS = [
    dict(slug="northside-wellbeing-coop", name="Northside Wellbeing Co-operative (fictional)",
         description="A members' co-operative offering practical help at home and in the community: "
                     "shopping, bills, letters, getting out and about. Fictional organisation for "
                     "demonstration only.",
         levels=[1, 2], languages=["en"], communities=["Everyone"],
         areas=["North", "North East", "Central"], accepting_new_clients=True, typical_wait_weeks=4,
         phone="0114 496 0101", email="hello@northside-wellbeing.example.org",
         website="https://northside-wellbeing.example.org"),
    dict(slug="al-noor-community-support", name="Al-Noor Community Support (fictional)",
         description="Support workers who speak Arabic and Urdu, with women-only support on request. "
                     "Fictional organisation for demonstration only.",
         levels=[1, 2], languages=["en", "ar", "ur"],
         communities=["Arab and Yemeni", "Pakistani and Kashmiri", "Muslim communities"],
         areas=["Central", "East", "North East"], accepting_new_clients=True, typical_wait_weeks=6,
         phone="0114 496 0232", email="support@al-noor-community.example.org",
         website="https://al-noor-community.example.org"),
    dict(slug="most-roma-support", name="Most Roma and Central European Support (fictional)",
         description="Short-term help to regain everyday skills, in Slovak, Romanian and Polish. "
                     "Fictional organisation for demonstration only.",
         levels=[1], languages=["en", "sk", "ro", "pl"],
         communities=["Slovak and Czech Roma", "Romanian", "Polish"],
         areas=["East", "North East"], accepting_new_clients=False, typical_wait_weeks=14,
         phone="0114 496 0345", email="contact@most-support.example.org",
         website="https://most-support.example.org"),
    dict(slug="peak-edge-independent-living", name="Peak Edge Independent Living (fictional)",
         description="Ongoing support to live well at home, including supported accommodation. "
                     "Fictional organisation for demonstration only.",
         levels=[1, 2], languages=["en"], communities=["Everyone", "Older adults"],
         areas=["South", "South West", "West"], accepting_new_clients=True, typical_wait_weeks=3,
         phone="0114 496 0458", email="referrals@peak-edge.example.org",
         website="https://peak-edge.example.org"),
    dict(slug="golden-lotus-wellbeing", name="Golden Lotus Wellbeing Circle (fictional)",
         description="Long-term support in Cantonese, Mandarin and English. "
                     "Fictional organisation for demonstration only.",
         levels=[2], languages=["en", "zh"], communities=["Chinese communities", "Students and young adults"],
         areas=["Central", "West", "South West"], accepting_new_clients=True, typical_wait_weeks=8,
         phone="0114 496 0567", email="hello@golden-lotus-circle.example.org",
         website="https://golden-lotus-circle.example.org"),
    dict(slug="xiddig-community-network", name="Xiddig Somali Community Network (fictional)",
         description="Support in Somali and Arabic from workers who know the community. "
                     "Fictional organisation for demonstration only.",
         levels=[1, 2], languages=["en", "so", "ar"], communities=["Somali", "East African"],
         areas=["North", "Central", "North East"], accepting_new_clients=False, typical_wait_weeks=16,
         phone="0114 496 0689", email="info@xiddig-network.example.org",
         website="https://xiddig-network.example.org"),
]
PROVIDER_QUALITY = {  # small differences so the insight screens have something to show
    "northside-wellbeing-coop": 0.04, "al-noor-community-support": 0.07, "most-roma-support": 0.0,
    "peak-edge-independent-living": -0.06, "golden-lotus-wellbeing": 0.03, "xiddig-community-network": -0.02,
}

# Goals in the client's words: (description, steps, who helps, levels it suits).
GOALS = [
    ("Do my own food shopping each week",
     "Make a list on Sunday. Go to the shop with my support worker, then on my own.",
     "My support worker, then me", (1,)),
    ("Pay my bills on time", "Set up direct debits for gas and electric. Open my post with my worker every Monday.",
     "My support worker", (1, 2)),
    ("Keep my flat clean enough that I'm happy to have visitors", "One room a day. Tick it off on the fridge chart.",
     "Me, with my support worker checking in", (1, 2)),
    ("Cook a hot meal at least three times a week", "Learn three simple recipes. Cook together on Thursdays.",
     "My support worker", (1,)),
    ("Get the bus into town on my own", "Travel together twice, then meet my worker in town.",
     "My support worker", (1,)),
    ("Sort out my benefits letters and stop worrying about them",
     "Keep letters in one folder. Ring the helpline together.",
     "My support worker and the advice centre", (1,)),
    ("Get back into a routine with my sleep", "Same time up every day. No phone after 11.",
     "Me, with my GP", (1, 2)),
    ("Stay well at home and keep my tenancy", "Keep up with rent. Tell someone early if things slip.",
     "My support worker and my housing officer", (2,)),
    ("Take my medication the way I agreed with my doctor", "Use the weekly pill box. Ask the pharmacy to deliver.",
     "Me and the pharmacy", (2,)),
    ("See my friends at least once a week", "Say yes to one invite a week. Meet somewhere I know.",
     "Me", (1, 2)),
    ("Go to the allotment group on Wednesdays", "Go with my worker at first. Take my own gloves.",
     "Community allotment group", (2,)),
    ("Feel less lonely in the evenings", "Join the evening phone group. Call my sister on Sundays.",
     "My sister and the phone group", (2,)),
    ("Look into volunteering at the food bank", "Visit once to see what they do. Fill in the form together.",
     "My support worker", (2,)),
    ("Keep in touch with my family back home by video call", "Learn to use the tablet. Set a regular time.",
     "My nephew and my support worker", (2,)),
    ("Join a walking group in the park", "Walk to the park gate first. Then join the Saturday walk.",
     "Walking group leader", (1, 2)),
    ("Manage my money so I don't run out before payday", "Weekly budget on paper. Check it with my worker.",
     "My support worker", (1, 2)),
    ("Learn more English so I can talk to my GP myself", "Go to the free class at the library on Tuesdays.",
     "Community college", (1, 2)),
    ("Go to my appointments without someone reminding me", "Use the calendar on my phone with alarms.",
     "Me", (1, 2)),
    ("Go swimming once a week", "Get a leisure card. Go at the quiet time on Fridays.",
     "Me, with my brother at first", (2,)),
    ("Get back to the things I used to enjoy, like football on Sundays",
     "Watch a match first, then ask about the team.",
     "My support worker", (1, 2)),
]
WHAT_MATTERS = [
    "My cat, my allotment and seeing my grandchildren on Sundays.",
    "Staying in my own flat and not going back into hospital.",
    "Being a good dad to my kids and getting back to work one day.",
    "My faith, my family and being able to cook for them again.",
    "Having people around who speak my language and understand me.",
    "Music, walking by the river and feeling safe at home.",
    "Keeping my independence and choosing who comes into my home.",
    "Going to college and making friends.",
]
RATING_NOTES = [
    "Went shopping on my own twice this month.", "A hard few weeks but I kept going.",
    "Better than last time.", "Didn't manage it this month.", "Really proud of this one.",
    "My worker says I'm nearly there.", None, None, None, None,
]
REVIEW_NOTES = {
    ReviewOutcome.continue_level_1: "Good progress with everyday skills. Agreed a further Level 1 block to finish "
                                    "the plan, aiming for discharge.",
    ReviewOutcome.move_to_level_2: "Still needs regular support to stay well at home. Moving to Level 2 ongoing "
                                   "care; goals kept under review.",
    ReviewOutcome.continue_level_2: "Support is working and will continue for another 12 months. Talked about what "
                                    "more independence could look like, without pressure to change.",
    ReviewOutcome.discharge: "Goals reached or nearly reached. Planned discharge; can come back through the "
                             "referral route at any time.",
}
RELATIONSHIPS = ["mother", "father", "daughter", "son", "sister", "brother", "partner", "wife", "husband",
                 "friend", "neighbour", "aunt", "cousin"]

# Answer codes come from the survey definition, so demo answers are ones the form can give.
OUTCOME_KEYS = list(survey.OUTCOME_CODES)
NAMES_IN_TEXT = ["Dan", "Shazia", "Marek", "Claire", "Abdi", "Mei", "Lee"]
FFT_REASONS = {
    "positive": [
        "My support worker {name} listens and never rushes me.",
        "I can do my shopping on my own now, which I didn't think would happen.",
        "They come when they say they will and explain things clearly.",
        "Having someone who speaks my language made a big difference.",
        "I feel less alone since I started going to the group.",
        "Help with my letters and bills took a weight off my mind.",
        "Staff treat my son with respect and keep me informed.",
        "Good support, friendly people. {name} is brilliant.",
        "Nobody pushes me to 'get better', they just help me live my life.",
    ],
    "neutral": [
        "Some weeks are better than others depending on who comes.",
        "It's alright but the visit times change a lot.",
        "Support is fine but I waited a long time to get it.",
        "OK. I'd like more help with forms.",
    ],
    "negative": [
        "Visits were cancelled three times this month without anyone telling me.",
        "I waited months for a provider and had to take a direct payment instead.",
        "Nobody rang me back when I asked to change my worker.",
        "Too many different workers, I have to tell my story again every time.",
        "The paperwork for the direct payment is stressful.",
        "{name} was kind but there is not enough time in the visits.",
    ],
    "dont_know": ["I've only just started so it's too early to say.", "Not sure yet."],
}
OTHER_COMMENTS = [
    "Please can letters come in large print.", "Would like evening visits.",
    "Thank you to the whole team.", "More groups in the East of the city please.",
    "I'd like information in Arabic.", "The website was easy to use.",
]
PREFER_NOT = survey.PREFER_NOT_TO_SAY.code
EQUALITY_OPTIONS = {q.code: [c for c in q.codes if c != PREFER_NOT] for q in survey.EQUALITY_QUESTIONS}
DECLINE_REASONS = [
    "The provider you asked for is not taking new clients at the moment. We have kept your current "
    "support and will ask them again in three months.",
    "A direct payment needs someone to manage the money. We will talk about a nominated person or the "
    "Direct Payment Support Service at your review.",
    "No framework provider covers your area for this level at present. We have kept your current "
    "arrangement and added your request to the waiting list.",
]
REFERENCE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


# ---------------------------------------------------------------------------------------
# Helpers

def _at(day: dt.date, minutes: int = 9 * 60) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), dt.UTC) + dt.timedelta(minutes=minutes)


def _ascii(name: str) -> str:
    name = name.replace("ł", "l").replace("Ł", "L")
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum() or c in ".-")


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _fft_from_score(score: float) -> str:
    if score > 0.8:
        return "very_good"
    if score > 0.55:
        return "good"
    if score > 0.4:
        return "neither"
    if score > 0.25:
        return "poor"
    return "very_poor"


def _agreement_from_score(score: float) -> str:
    if score > 0.8:
        return "strongly_agree"
    if score > 0.55:
        return "agree"
    if score > 0.4:
        return "neither"
    if score > 0.25:
        return "disagree"
    return "strongly_disagree"


def _age_band(age: int) -> str:
    for top, band in ((24, "age_18_24"), (34, "age_25_34"), (44, "age_35_44"), (54, "age_45_54"),
                      (64, "age_55_64"), (74, "age_65_74")):
        if age <= top:
            return band
    return "age_75_plus"


def _religion(rng: random.Random) -> str:
    weights = {"no_religion": 45, "christian": 35, "muslim": 5, "buddhist": 3, "hindu": 2, "sikh": 2,
               "jewish": 1, "other": 7}
    return _weighted(rng, weights)


def _redact(text_: str) -> str:
    for name in NAMES_IN_TEXT:
        text_ = text_.replace(name, "[name]")
    return text_


def _person(rng: random.Random, heritage: Heritage | None = None, *, female: bool | None = None,
            family: str | None = None) -> tuple[str, str, Heritage, bool]:
    heritage = heritage or rng.choices(HERITAGES, weights=[h.weight for h in HERITAGES])[0]
    female = rng.random() < 0.52 if female is None else female
    given = rng.choice(heritage.female if female else heritage.male)
    if family is None:
        index = rng.randrange(len(heritage.family))
        family = (heritage.family_female or heritage.family)[index] if female else heritage.family[index]
    return given, family, heritage, female


def _language_for(rng: random.Random, heritage: Heritage) -> str:
    return heritage.language if rng.random() < heritage.p_language else "en"


# ---------------------------------------------------------------------------------------
# Plan histories

# Kinds of client and how many of each in 300 (Level 1 ≈ 20 % of open plans, report 1.1.5).
KIND_QUOTAS = {
    "l1_new": 24, "l1_new_shared": 3, "l1_new_draft": 2, "l1_mid": 12, "l1_late": 7, "l1_overdue": 6,
    "l2": 180, "l2_new_shared": 4, "l2_new_draft": 4, "l2_review_shared": 8, "l2_overdue": 20,
    "l1_ended": 14, "l2_ended": 16,
}
NEW_KINDS = {"l1_new_shared", "l1_new_draft", "l2_new_shared", "l2_new_draft"}
WAITING_REFERRALS = 10  # referred clients with no plan yet


@dataclass
class _Event:
    on: dt.date
    block: int
    summary: str
    status: PlanStatus = PlanStatus.agreed


@dataclass
class _History:
    kind: str
    starts: list[dt.date]
    ends: list[dt.date]
    levels: list[int]
    outcomes: list[ReviewOutcome]  # one per completed review
    completed: list[dt.date]
    status: PlanStatus
    ended_on: dt.date | None


def _history(rng: random.Random, kind: str, today: dt.date, *, demo: bool = False) -> _History:
    days = dt.timedelta

    def backwards(block_count: int, last_start: dt.date) -> list[dt.date]:
        starts = [last_start]
        for _ in range(block_count):
            starts.insert(0, add_months(starts[0], -12))
        return starts

    level_one = kind.startswith("l1")
    ended_on = None
    if kind in NEW_KINDS:
        first = today + days(rng.randint(3, 30)) if kind.endswith("draft") else today - days(rng.randint(0, 20))
        starts = [first]
    elif kind == "l1_new":
        starts = [today - days(rng.randint(21, 330))]
    elif kind in ("l1_mid", "l1_late"):
        months = 14 if demo else (rng.randint(12, 19) if kind == "l1_mid" else rng.randint(20, 23))
        first = add_months(today, -months) - days(5 if demo else rng.randint(0, 20))
        starts = [first, add_months(first, 12)]
    elif kind == "l1_overdue":
        end = today - days(rng.randint(1, 90))
        starts = [add_months(end + days(1), -12)]
    elif kind == "l2":
        prior = rng.choices([0, 1, 2, 3, 4, 5, 6, 7, 8], weights=[20, 20, 15, 13, 12, 8, 6, 4, 2])[0]
        starts = backwards(prior, today - days(rng.randint(21 if prior == 0 else 0, 360)))
    elif kind == "l2_review_shared":
        starts = backwards(rng.randint(1, 5), today - days(rng.randint(1, 20)))
    elif kind == "l2_overdue":
        prior = rng.choices([0, 1, 2, 3, 4, 5], weights=[25, 25, 20, 15, 10, 5])[0]
        end = today - days(rng.randint(1, 120))
        starts = backwards(prior, add_months(end + days(1), -12))
    elif kind in ("l1_ended", "l2_ended"):
        prior = (0 if rng.random() < 0.65 else 1) if level_one else rng.randint(1, 6)
        ended_on = today - days(rng.randint(7, 600))
        end = ended_on + days(rng.randint(-14, 21))
        starts = backwards(prior, add_months(end + days(1), -12))
    else:
        raise ValueError(kind)

    ends = [starts[j + 1] - days(1) for j in range(len(starts) - 1)] + [block_end_for(starts[-1])]
    current = len(starts) - 1
    if level_one:
        levels = [1] * len(starts)
    else:
        first_level_2 = 0
        if current >= 1 and rng.random() < 0.3:  # came through Level 1 first
            first_level_2 = 1 if current == 1 or rng.random() < 0.7 else 2
        levels = [1 if j < first_level_2 else 2 for j in range(len(starts))]

    outcomes, completed = [], []
    for j in range(current):
        if levels[j] == 1:
            outcomes.append(ReviewOutcome.continue_level_1 if levels[j + 1] == 1 else ReviewOutcome.move_to_level_2)
        else:
            outcomes.append(ReviewOutcome.continue_level_2)
        done = ends[j] + days(rng.randint(-21, 10))
        done = max(done, starts[j] + days(300))
        completed.append(min(done, today - days(1)))
    if ended_on is not None:
        outcomes.append(ReviewOutcome.discharge)
        completed.append(ended_on)

    if kind.endswith("shared"):
        status = PlanStatus.shared
    elif kind.endswith("draft"):
        status = PlanStatus.draft
    elif ended_on is not None:
        status = PlanStatus.ended
    else:
        status = PlanStatus.agreed
    return _History(kind, starts, ends, levels, outcomes, completed, status, ended_on)


SUMMARY_FOR_OUTCOME = {
    ReviewOutcome.continue_level_1: "Annual review: a second Level 1 block agreed, aiming for discharge.",
    ReviewOutcome.move_to_level_2: "Annual review: moved to Level 2 ongoing care.",
    ReviewOutcome.continue_level_2: "Annual review: Level 2 support continues for another 12 months.",
    ReviewOutcome.discharge: "Support ended after review: planned discharge.",
}


# ---------------------------------------------------------------------------------------
# The builder

class _City:
    def __init__(self, session: Session, seed: int, now: dt.datetime):
        self.session = session
        self.rng = random.Random(seed)
        self.today = now.date()
        self.counts: dict[str, int] = {}
        self.references: set[str] = set()
        self.account_no = 0  # numbers the synthetic accounts' emails

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    def add_all(self, name: str, rows: list) -> None:
        self.session.add_all(rows)
        self.count(name, len(rows))

    def day(self, back_from: int, back_to: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(back_from, back_to))

    # -- people and organisations ------------------------------------------------------
    def staff_and_providers(self) -> None:
        rng = self.rng
        demo_hashes = {d.role: accounts.hash_password(d.password) for d in DEMO_ACCOUNTS}
        # Hashing is slow: one throw-away password's hash serves every non-demo account.
        self.shared_hash = accounts.hash_password(f"synthetic-{rng.getrandbits(64):x}")
        self.demo_hashes = demo_hashes
        self.teams = {name: Team(name=name) for name in TEAMS}
        self.add_all("team", list(self.teams.values()))
        self.providers = [Provider(**spec, updated_at=_at(self.day(5, 90))) for spec in PROVIDERS]
        self.add_all("provider", self.providers)
        self.staff: dict[str, list[Account]] = {}
        rows = []
        for team_name, names in STAFF.items():
            self.staff[team_name] = []
            for i, name in enumerate(names):
                is_demo = team_name == "North team" and i == 0
                account = self._account(
                    Role.staff, name, DEMO_ACCOUNTS[2].email if is_demo else None,
                    team=self.teams[team_name], created=self.day(400, 1400),
                )
                self.staff[team_name].append(account)
                rows.append(account)
        self.demo_staff = self.staff["North team"][0]
        for role, names in OTHER_ACCOUNTS.items():
            for i, name in enumerate(names):
                demo_email = next(d.email for d in DEMO_ACCOUNTS if d.role == role) if i == 0 else None
                rows.append(self._account(Role(role), name, demo_email, created=self.day(300, 900)))
        self.add_all("account", rows)
        self.session.flush()

    def _account(self, role: Role, name: str, demo_email: str | None, *, team: Team | None = None,
                 client: Client | None = None, created: dt.date, language: str = "en") -> Account:
        if demo_email:
            email, password_hash = demo_email, self.demo_hashes[role.value]
        else:
            self.account_no += 1
            email = f"{_ascii(name.replace(' ', '.'))}.{self.account_no}@{DEMO_EMAIL_DOMAIN}"
            password_hash = self.shared_hash
        return Account(
            email=email, display_name=name, password_hash=password_hash, role=role,
            status=AccountStatus.active, session_token=accounts.new_session_token(),
            team=team, client=client, preferred_language=language, created_at=_at(created),
        )

    def clients(self) -> None:
        rng = self.rng
        n_plans = sum(KIND_QUOTAS.values())
        kinds = [kind for kind, n in KIND_QUOTAS.items() for _ in range(n)]
        kinds.remove("l1_mid")  # the demo client's slot
        rng.shuffle(kinds)
        kinds.insert(0, "l1_mid")
        arrangements = ([Arrangement.council_arranged] * round(n_plans * 0.6 - 1)
                        + [Arrangement.direct_payment] * round(n_plans * 0.3)
                        + [Arrangement.mixed] * round(n_plans * 0.1))
        rng.shuffle(arrangements)
        arrangements.insert(0, Arrangement.council_arranged)
        self.people: list[dict] = []
        rows = []
        for i in range(n_plans + WAITING_REFERRALS):
            if i == 0:
                given, family, heritage, female = "Amina", "Hussain", HERITAGES[2], True
                language, area, born = "en", "North", add_months(self.today, -12 * 34 - 5)
            else:
                given, family, heritage, female = _person(rng)
                language = _language_for(rng, heritage)
                area = _weighted(rng, heritage.areas)
                born = self.today - dt.timedelta(days=rng.randint(18 * 366, 85 * 365))
            client = Client(
                given_name=given, family_name=family, preferred_language=language,
                email=DEMO_ACCOUNTS[0].email if i == 0 else None,
                phone=f"07700 900{rng.randint(0, 999):03d}",
                address=f"{rng.randint(1, 180)} {rng.choice(STREETS)}, Sheffield {rng.choice(DISTRICTS[area])}",
                area=area, date_of_birth=born,
                section_117_aftercare=(i != 0 and rng.random() < 0.1),
                team=self.teams[AREA_TEAM[area]],
            )
            person = dict(client=client, heritage=heritage, female=female, area=area, language=language,
                          kind=kinds[i] if i < n_plans else None,
                          arrangement=arrangements[i] if i < n_plans else None, account=None, carers=[])
            if person["kind"] is not None:
                person["history"] = _history(rng, person["kind"], self.today, demo=i == 0)
            self.people.append(person)
            rows.append(client)
        self.add_all("client", rows)
        self.demo_client = self.people[0]

        # Portal accounts: the demo client, and about one in five other clients with a plan.
        account_rows = []
        for i, person in enumerate(self.people[:n_plans]):
            if i == 0 or (person["kind"] not in NEW_KINDS and rng.random() < 0.2):
                client = person["client"]
                since = max(person["history"].starts[0], self.today - dt.timedelta(days=700))
                created = since + dt.timedelta(days=rng.randint(0, max(0, (self.today - since).days - 1)))
                account = self._account(
                    Role.client, client.full_name, DEMO_ACCOUNTS[0].email if i == 0 else None,
                    client=client, created=min(created, self.today - dt.timedelta(days=1)),
                    language=person["language"],
                )
                person["account"] = account
                account_rows.append(account)
        self.add_all("account", account_rows)
        self.session.flush()

    def carers(self) -> None:
        """About 40 carers with consent from a client, scope by scope; a few withdrawn."""
        rng = self.rng
        with_plans = [p for p in self.people if p["kind"] is not None]
        north_open = [p for p in with_plans[1:] if p["area"] in TEAMS["North team"]
                      and p["kind"] in ("l2", "l1_new")]
        demo_second = north_open[0]
        pool = [p for p in with_plans[1:] if p is not demo_second and p["kind"] not in NEW_KINDS]
        chosen = rng.sample(pool, 44)
        carer_rows, access_rows = [], []

        def grant(carer: Account, person: dict, scopes: list, relation: str, revoked: bool = False):
            client = person["client"]
            start = max(self.today - dt.timedelta(days=900), person["history"].starts[0])
            granted = start + dt.timedelta(days=rng.randint(0, max(1, (self.today - start).days - 2)))
            granted = min(granted, self.today - dt.timedelta(days=1))
            revoked_at = None
            if revoked:
                revoked_on = min(self.today - dt.timedelta(days=1), granted + dt.timedelta(days=rng.randint(20, 300)))
                revoked_at = _at(revoked_on, rng.randint(1001, 1200))  # later than the grant's time of day
            granted_by = person["account"] or rng.choice(self.staff[AREA_TEAM[person["area"]]])
            access = CarerAccess(
                carer=carer, client=client, scopes=[s.value for s in scopes],
                relationship_to_client=relation, granted_at=_at(granted, rng.randint(540, 1000)),
                granted_by_account_id=granted_by.id, revoked_at=revoked_at,
            )
            access_rows.append(access)
            if revoked_at is None:
                person["carers"].append((carer, scopes))

        # The demo carer: the demo client's brother, and a friend's plan (plan only).
        demo_carer = self._account(Role.carer, "Yusuf Hussain", DEMO_ACCOUNTS[1].email, created=self.day(200, 400))
        carer_rows.append(demo_carer)
        grant(demo_carer, self.demo_client, DEMO_CARER_SCOPES, "brother")
        grant(demo_carer, demo_second, [CarerScope.plan], "friend")

        all_scopes = list(CarerScope)
        for k in range(39):
            person = chosen[k]
            relation = rng.choice(RELATIONSHIPS)
            family_member = relation not in ("friend", "neighbour", "partner")
            given, family, _, _ = _person(
                rng, person["heritage"],
                female=relation in ("mother", "daughter", "sister", "wife", "aunt") or (
                    None if relation in ("friend", "neighbour", "partner", "cousin") else False),
                family=(person["client"].family_name
                        if family_member and person["heritage"].family_female is None else None),
            )
            carer = self._account(Role.carer, f"{given} {family}", None, created=self.day(30, 800),
                                  language=person["language"])
            carer_rows.append(carer)
            scopes = [s for s in all_scopes if rng.random() < {"plan": 0.85, "goals": 0.6, "reviews": 0.5,
                                                              "arrangement": 0.35, "feedback": 0.45}[s.value]]
            grant(carer, person, scopes or [CarerScope.plan], relation, revoked=k % 10 == 3)
            if k < 5:  # a few carers help two people
                other = chosen[39 + k]
                grant(carer, other, [CarerScope.plan, CarerScope.goals], "friend")
        self.add_all("account", carer_rows)
        self.add_all("carer_access", access_rows)
        self.session.flush()

    # -- plans --------------------------------------------------------------------------
    def _provider_for(self, person: dict, level: int, *, new: bool) -> Provider:
        rng = self.rng
        candidates = [p for p in self.providers if level in p.levels and person["area"] in p.areas
                      and (p.accepting_new_clients or not new)]
        if not candidates:
            candidates = [p for p in self.providers if level in p.levels and (p.accepting_new_clients or not new)]
        community = person["heritage"].language

        def weight(p: Provider) -> int:
            if person["language"] != "en" and person["language"] in p.languages:
                return 8
            if community != "en" and community in p.languages:
                return 3
            return 3 if "Everyone" in p.communities else 1

        weights = [weight(p) for p in candidates]
        return rng.choices(candidates, weights=weights)[0]

    def plans(self) -> None:
        rng = self.rng
        days = dt.timedelta
        plan_rows, referral_rows = [], []
        n_requests = {RequestStatus.requested: 8, RequestStatus.in_discussion: 7,
                      RequestStatus.agreed: 9, RequestStatus.declined: 6}
        eligible = [p for p in self.people[1:] if p["kind"] in ("l2", "l1_new", "l1_mid", "l2_overdue")]
        picked = rng.sample(eligible, sum(n_requests.values()))
        request_for = {}
        for status, n in n_requests.items():
            for _ in range(n):
                request_for[id(picked.pop())] = status
        self.request_rows = []

        for person in self.people:
            client = person["client"]
            team_staff = self.staff[AREA_TEAM[person["area"]]]
            if person["kind"] is None:  # still waiting: referred, perhaps assessed, no plan yet
                referred = self.day(3, 70)
                assessed = referred + days(rng.randint(14, 40)) if rng.random() < 0.3 else None
                referral_rows.append(Referral(client_id=client.id, level=rng.choice([1, 2, 2, 2]), referred_on=referred,
                                              assessed_on=assessed if assessed and assessed < self.today else None))
                client.created_at = _at(referred, rng.randint(540, 1000))
                continue
            h: _History = person["history"]
            is_demo = person is self.demo_client
            current = len(h.starts) - 1
            new = h.kind in NEW_KINDS
            arrangement = person["arrangement"]
            provider = (self._provider_for(person, h.levels[-1], new=new)
                        if arrangement != Arrangement.direct_payment else None)
            if is_demo:
                provider = self.providers[0]
            hours = rng.choice([3, 4, 5, 6, 6, 8, 8, 10, 12, 15] if h.levels[-1] == 1 else
                               [2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 25])
            location = (SupportLocation.own_home if is_demo else
                        rng.choices(list(SupportLocation), weights=[75, 20, 5])[0])
            request_status = request_for.get(id(person))

            # Events, oldest first: the first plan, each review, perhaps a change mid-block.
            events = [_Event(min(h.starts[0] - days(rng.randint(3, 20)), self.today - days(rng.randint(0, 3))),
                             0, "First support plan written with the client after assessment.")]
            for j, outcome in enumerate(h.outcomes):
                if outcome == ReviewOutcome.discharge:
                    events.append(_Event(h.completed[j], j, SUMMARY_FOR_OUTCOME[outcome], PlanStatus.ended))
                else:
                    events.append(_Event(h.completed[j], j + 1, SUMMARY_FOR_OUTCOME[outcome]))
            change = None
            if h.status in (PlanStatus.agreed, PlanStatus.ended) and not is_demo:
                last_block_start = h.starts[current]
                latest = min(self.today, h.ends[current], h.ended_on or self.today) - days(5)
                wanted = request_status == RequestStatus.agreed or rng.random() < 0.3
                if (latest - last_block_start).days > 40 and wanted:
                    change_on = last_block_start + days(rng.randint(20, (latest - last_block_start).days))
                    last_review = events[-2] if h.ended_on else events[-1]
                    if change_on > last_review.on:
                        if request_status == RequestStatus.agreed:
                            change = "arrangement"
                        else:
                            change = rng.choice(["hours", "goal"] + (["provider"] if provider else []))
                        insert_at = len(events) - (1 if h.ended_on else 0)
                        events.insert(insert_at, _Event(change_on, current, ""))
                        change_event = events[insert_at]
            if request_status == RequestStatus.agreed and change != "arrangement":
                request_status = None  # no room for the change in this history: skip the request

            # Goals: set at the start of the previous block (or the first), rated since.
            n_goals = 3 if is_demo else rng.choice([1, 2, 2, 3, 3])
            level_goals = [g for g in GOALS if h.levels[-1] in g[3]
                           and (person["language"] != "en" or not g[0].startswith("Learn more English"))]
            if is_demo:
                chosen_goals = [GOALS[0], GOALS[1], GOALS[9]]
            else:
                chosen_goals = rng.sample(level_goals, n_goals)
            goal_block = max(0, current - 1)
            goals_set_on = next(e.on for e in events if e.block == goal_block)
            goal_dates = [goals_set_on] * n_goals
            if change == "goal":
                goal_dates[-1] = change_event.on
            earlier = rng.sample([g[0] for g in GOALS if g not in chosen_goals], 2)

            # Arrangement and provider in force before the change (the client's request, or a provider change).
            before_arrangement, before_provider, before_hours = arrangement, provider, hours
            if change == "arrangement":
                before_arrangement = rng.choice([a for a in Arrangement if a != arrangement])
                before_provider = (self._provider_for(person, h.levels[-1], new=False)
                                   if before_arrangement != Arrangement.direct_payment else None)
                change_event.summary = (f"Arrangement changed from {before_arrangement.value.replace('_', ' ')} to "
                                        f"{arrangement.value.replace('_', ' ')} at the client's request.")
            elif change == "provider":
                others = [p for p in self.providers if h.levels[-1] in p.levels and p is not provider]
                before_provider = rng.choice(others)
                change_event.summary = f"Provider changed to {provider.name}: the client asked for a change of worker."
            elif change == "hours":
                before_hours = max(2, hours + rng.choice([-3, -2, 2, 3]))
                change_event.summary = f"Support hours changed from {before_hours:g} to {hours:g} a week."
            elif change == "goal":
                change_event.summary = f"New goal added: {chosen_goals[-1][0]}."

            kept = events[-3:]
            plan = SupportPlan(
                client=client, level=h.levels[-1], status=h.status, arrangement=arrangement, provider=provider,
                block_start=h.starts[current], block_end=h.ends[current],
                next_review_due=None if h.status == PlanStatus.ended else h.ends[current],
                level_1_started_on=h.starts[0] if h.levels[-1] == 1 else None,
                started_on=h.starts[0], ended_on=h.ended_on, current_version_no=len(kept),
                created_at=_at(events[0].on, rng.randint(540, 1000)),
            )
            plan_rows.append(plan)
            person["plan"] = plan
            person["provider"] = provider
            version_rows = []
            for number, event in enumerate(kept, start=1):
                after_change = change is None or event.on >= change_event.on
                is_latest = number == len(kept)
                status = h.status if is_latest else PlanStatus.agreed
                created = _at(event.on, rng.randint(540, 1000))
                summary = event.summary
                if number == 1 and len(events) > 3:
                    summary = "Earlier versions archived. " + summary
                snapshot = [
                    {"position": k + 1, "description": g[0], "target_date": None}
                    for k, g in enumerate(chosen_goals) if goal_dates[k] <= event.on
                ] if event.on >= goals_set_on else [
                    {"position": k + 1, "description": d, "target_date": None} for k, d in enumerate(earlier)
                ]
                version_rows.append(SupportPlanVersion(
                    version_no=number, level=h.levels[event.block], status=status,
                    block_start=h.starts[event.block], block_end=h.ends[event.block],
                    arrangement=arrangement if after_change else before_arrangement,
                    provider_id=(provider if after_change else before_provider).id
                    if (provider if after_change else before_provider) else None,
                    hours_per_week=float(hours if after_change else before_hours), location=location,
                    what_matters_to_me=("Seeing my brother and my nieces, and feeling in charge of my own home again."
                                        if is_demo else rng.choice(WHAT_MATTERS)),
                    goals_snapshot=snapshot, change_summary=summary,
                    written_by=self.demo_staff if is_demo and is_latest else rng.choice(team_staff),
                    created_at=created,
                    agreed_by_client_at=(created + days(rng.randint(1, 10))
                                         if status == PlanStatus.agreed and event.on + days(10) < self.today else
                                         (created + days(1) if status == PlanStatus.agreed else None)),
                    client_comment=("I'd like to talk about changing my visit day to Thursdays."
                                    if status == PlanStatus.shared and rng.random() < 0.4 else None),
                ))
            for version in version_rows:  # keep agreement times in the past
                if version.agreed_by_client_at and version.agreed_by_client_at.date() >= self.today:
                    version.agreed_by_client_at = _at(self.today - days(1), 600)
            plan.versions = version_rows
            self.count("support_plan_version", len(version_rows))

            self._goals(person, plan, chosen_goals, goal_dates)
            self._reviews(person, plan, team_staff)

            # Referral → assessment → support started (waits longer for a busy provider).
            start_wait = (provider.typical_wait_weeks * 7 + rng.randint(-10, 21)) if provider else rng.randint(14, 60)
            assessed = h.starts[0] - days(max(7, start_wait))
            referred = assessed - days(rng.randint(10, 70))
            referral_rows.append(Referral(
                client_id=client.id, level=h.levels[0], referred_on=referred, assessed_on=assessed,
                support_started_on=None if new else h.starts[0],
            ))
            client.created_at = _at(referred, rng.randint(540, 1000))
            if request_status is not None:
                self._request(person, request_status, arrangement,
                              before_arrangement if change == "arrangement" else None,
                              change_event.on if change == "arrangement" else None, team_staff)
        self.add_all("support_plan", plan_rows)
        self.add_all("referral", referral_rows)
        self.add_all("arrangement_request", self.request_rows)

    def _goals(self, person: dict, plan: SupportPlan, chosen: list, dates: list[dt.date]) -> None:
        rng = self.rng
        h: _History = person["history"]
        end = min(h.ended_on or self.today, self.today) - dt.timedelta(days=1)
        carers = [c for c, scopes in person["carers"] if CarerScope.goals in scopes]
        staff = self.staff[AREA_TEAM[person["area"]]]
        goals = []
        for k, (description, steps, who, _levels) in enumerate(chosen):
            created = dates[k]
            target = created + dt.timedelta(days=rng.randint(90, 360) if plan.level == 1 else rng.randint(180, 365))
            goal = Goal(position=k + 1, description=description, steps=steps, who_helps=who,
                        target_date=target, created_at=_at(created, rng.randint(540, 1000)))
            # Points a month: Level 1 aims at regaining skills; Level 2 at living well, without
            # pressure to "recover" (report 1.1.8), so progress is slower and sometimes flat.
            slope = rng.uniform(0.15, 0.5) if plan.level == 1 else rng.uniform(-0.05, 0.25)
            value = rng.uniform(1, 4.5)
            on = created + dt.timedelta(days=rng.randint(0, 14))
            ratings = []
            while on <= end and len(ratings) < 18:
                score = max(0, min(10, round(value + rng.gauss(0, 0.8))))
                who_rates = rng.choices(["client", "staff", "carer"], weights=[70, 20, 10 if carers else 0])[0]
                account = (person["account"] if who_rates == "client" else
                           rng.choice(carers) if who_rates == "carer" else rng.choice(staff))
                ratings.append(GoalRating(rating=score, rated_by=RatedBy(who_rates),
                                          rated_by_account_id=account.id if account else None,
                                          rated_on=on, note=rng.choice(RATING_NOTES),
                                          created_at=_at(on, rng.randint(540, 1000))))
                gap = rng.randint(28, 56)
                value = min(10.0, value + slope * gap / 30)
                on += dt.timedelta(days=gap)
            goal.ratings = ratings
            goal.rating_count = len(ratings)
            goal.first_rating = ratings[0].rating if ratings else None
            goal.latest_rating = ratings[-1].rating if ratings else None
            last = ratings[-1].rating if ratings else 0
            if plan.status == PlanStatus.ended:
                goal.status = GoalStatus.reached if last >= 8 else GoalStatus.stopped
            elif last == 10:
                goal.status = GoalStatus.reached
            elif ratings and rng.random() < 0.04:
                goal.status = GoalStatus.stopped
            else:
                goal.status = GoalStatus.active
            goals.append(goal)
            self.count("goal_rating", len(ratings))
        plan.goals = goals
        self.count("goal", len(goals))

    def _reviews(self, person: dict, plan: SupportPlan, staff: list[Account]) -> None:
        rng = self.rng
        days = dt.timedelta
        h: _History = person["history"]
        reviews = []
        for j, outcome in enumerate(h.outcomes):
            reviews.append(Review(
                due_on=h.ends[j], scheduled_for=min(h.completed[j], h.ends[j] - days(rng.randint(0, 28))),
                completed_on=h.completed[j], outcome=outcome, notes=REVIEW_NOTES[outcome],
                recorded_by_account_id=rng.choice(staff).id, created_at=_at(h.completed[j] - days(30)),
            ))
        if h.ended_on is None:
            due = h.ends[-1]
            scheduled = None
            if due < self.today:  # overdue: sometimes booked, sometimes not yet
                scheduled = self.today + days(rng.randint(3, 30)) if rng.random() < 0.5 else None
            elif (due - self.today).days < 56:
                scheduled = due - days(rng.randint(0, 21))
            reviews.append(Review(due_on=due, scheduled_for=scheduled,
                                  created_at=_at(min(self.today, h.starts[-1]))))
        plan.reviews = reviews
        self.count("review", len(reviews))

    def _reference(self) -> str:
        while True:
            ref = "AR-" + "".join(self.rng.choice(REFERENCE_CHARS) for _ in range(6))
            if ref not in self.references:
                self.references.add(ref)
                return ref

    def _request(self, person: dict, status: RequestStatus, current: Arrangement, before: Arrangement | None,
                 decided_on: dt.date | None, staff: list[Account]) -> None:
        rng = self.rng
        days = dt.timedelta
        if status == RequestStatus.agreed:
            from_, to = before, current
            created = decided_on - days(rng.randint(10, 40))
        else:
            from_ = current
            to = rng.choice([a for a in Arrangement if a != current])
            still_open = status in (RequestStatus.requested, RequestStatus.in_discussion)
            created = self.day(2, 40) if still_open else self.day(30, 300)
        arrangement_carers = [c for c, scopes in person["carers"] if CarerScope.arrangement in scopes]
        requester = person["account"] or (arrangement_carers[0] if arrangement_carers else None)
        provider = None
        if to != Arrangement.direct_payment:
            provider = self._provider_for(person, person["plan"].level, new=True).id
        contact = rng.choice(["email", "phone"])
        client = person["client"]
        decided_at = None
        if status == RequestStatus.agreed:
            decided_at = _at(decided_on, rng.randint(540, 1000))
        elif status == RequestStatus.declined:
            decided_at = _at(min(self.today - days(1), created + days(rng.randint(7, 40))), rng.randint(540, 1000))
        self.request_rows.append(ArrangementRequest(
            reference=self._reference(), submission_key=_uuid(rng), client=client,
            requested_by_account_id=requester.id if requester else None,
            from_arrangement=from_, to_arrangement=to,
            preferences={  # the shape of portal.domain.choice.Preferences.as_dict()
                "language": person["language"] if person["language"] != "en" or rng.random() < 0.3 else None,
                "worker_gender": rng.choice(["no_preference", "no_preference", "woman", "man"]),
                "cultural_or_faith_needs": rng.choice(["", "", "Halal food", "No visits on Sunday mornings",
                                                       "A worker who knows the Roma community"]),
                "times_of_day": sorted(rng.sample(["mornings", "afternoons", "evenings", "weekends"],
                                                  rng.randint(0, 2))),
                "preferred_provider_id": provider,
            },
            contact_method=contact,
            contact_detail=f"{_ascii(client.given_name)}@example.org" if contact == "email" else client.phone,
            status=status,
            decision_reason=rng.choice(DECLINE_REASONS) if status == RequestStatus.declined else None,
            assigned_to_account_id=rng.choice(staff).id if status != RequestStatus.requested else None,
            decided_by_account_id=rng.choice(staff).id if decided_at else None,
            decided_at=decided_at, created_at=_at(created, rng.randint(540, 1000)),
            updated_at=decided_at or _at(created, 1000),
        ))

    # -- feedback -----------------------------------------------------------------------
    def feedback(self, n: int = 3000) -> None:
        rng = self.rng
        midnight = dt.datetime.combine(self.today, dt.time(0), dt.UTC)
        with_plans = [p for p in self.people if p["kind"] is not None and p["kind"] not in NEW_KINDS]
        rows, answers = [], []
        for _ in range(n):
            person = rng.choice(with_plans)
            provider = person["provider"]
            seconds_back = int(730 * 86400 * rng.random() ** 1.3) + 60  # more recent responses than old
            submitted = midnight - dt.timedelta(seconds=seconds_back)
            age_days = seconds_back / 86400
            quality = PROVIDER_QUALITY.get(provider.slug, 0) if provider else -0.03
            if rng.random() < 0.1:  # a minority with a poor experience
                score = rng.gauss(0.32, 0.14)
            else:  # getting slightly better over the two years
                score = rng.gauss(0.79 + quality + 0.06 * (1 - age_days / 730), 0.17)
            fft = "dont_know" if rng.random() < 0.07 else _fft_from_score(score)
            outcomes = {}  # a skipped statement is left out, as the form stores it
            for key in OUTCOME_KEYS:
                roll = rng.random()
                if roll >= 0.03:
                    outcomes[key] = ("dont_know" if roll < 0.09 else
                                     _agreement_from_score(score + rng.gauss(0, 0.15)))
            carer = rng.random() < 0.15
            reason = None
            if rng.random() < 0.45:
                mood = ("dont_know" if fft == "dont_know" else "positive" if fft in ("very_good", "good")
                        else "neutral" if fft == "neither" else "negative")
                reason = rng.choice(FFT_REASONS[mood]).format(name=rng.choice(NAMES_IN_TEXT))
            comments = rng.choice(OTHER_COMMENTS) if rng.random() < 0.1 else None
            status, released = FreeTextStatus.none, None
            if reason or comments:
                if age_days < 21 and rng.random() < 0.8:
                    status = FreeTextStatus.pending
                elif rng.random() < 0.07:
                    status = FreeTextStatus.withheld
                else:
                    status = FreeTextStatus.released
                    released = _redact("\n".join(t for t in (reason, comments) if t))
            rows.append(FeedbackResponse(
                submission_key=_uuid(rng), submitted_at=submitted,
                channel=FeedbackChannel.signed_in if rng.random() < 0.35 else FeedbackChannel.public_link,
                respondent_type=RespondentType.carer if carer else RespondentType.client,
                on_behalf_of_client=carer and rng.random() < 0.6,
                level=person["plan"].level, provider_id=provider.id if provider else None,
                language=person["language"], fft=fft, fft_reason=reason, outcome_answers=outcomes,
                other_comments=comments, free_text_status=status, released_text=released,
            ))
            answers.append(self._equality(person) if rng.random() < 0.6 else None)
        self.add_all("feedback_response", rows)
        self.session.flush()
        equality = []
        for row, answer in zip(rows, answers):
            if answer is not None:
                equality.append(EqualityMonitoring(feedback_response_id=row.id, **answer))
        self.add_all("equality_monitoring", equality)
        self.session.flush()
        self.count("feedback_tally", tally.rebuild(self.session))

    def _equality(self, person: dict) -> dict:
        rng = self.rng
        client = person["client"]
        answer = {}
        for key, options in EQUALITY_OPTIONS.items():
            roll = rng.random()
            if roll < 0.04:
                answer[key] = None  # skipped
                continue
            if roll < 0.12:
                answer[key] = PREFER_NOT
                continue
            if key == "age_band":
                age = months_between(client.date_of_birth, self.today) // 12
                answer[key] = _age_band(age)
            elif key == "sex":
                answer[key] = "female" if person["female"] else "male"
            elif key == "gender_identity":
                answer[key] = "no" if rng.random() < 0.02 else "yes"
            elif key == "ethnicity":
                answer[key] = person["heritage"].ethnicity if rng.random() < 0.9 else rng.choice(options)
            elif key == "religion":
                muslim = person["heritage"].key in ("pakistani", "arabic", "somali")
                answer[key] = "muslim" if muslim and rng.random() < 0.85 else _religion(rng)
            elif key == "sexual_orientation":
                answer[key] = rng.choices(options, weights=[86, 6, 6, 2])[0]
            else:
                answer[key] = rng.choices(options, weights=[30, 45, 25])[0]
        return answer


def has_data(session: Session) -> bool:
    return session.scalar(select(Account.id).limit(1)) is not None


def build(session: Session, *, seed: int, now: dt.datetime) -> dict:
    """Build the synthetic city into an empty database. Flushes, never commits."""
    city = _City(session, seed, now)
    city.staff_and_providers()
    city.clients()
    city.carers()
    city.plans()
    session.flush()
    city.feedback()
    session.flush()
    return dict(sorted(city.counts.items()))


# ---------------------------------------------------------------------------------------
# Bulk data for benchmarks

SCALE_CHUNK = 1_000  # clients per batch: 10,000 feedback rows per executemany
SCALE_TABLES = ["client", "support_plan", "support_plan_version", "goal", "goal_rating", "review",
                "referral", "feedback_response", "equality_monitoring"]


def _scale_reference_rows(conn, today: dt.date) -> tuple[dict, list, list]:
    """Teams, providers and staff to hang the bulk rows on: reuse what is there, add what is not."""
    teams = {name: id_ for id_, name in conn.execute(select(Team.id, Team.name))}
    missing = [{"name": name} for name in TEAMS if name not in teams]
    if missing:
        conn.execute(insert(Team.__table__), missing)
        teams = {name: id_ for id_, name in conn.execute(select(Team.id, Team.name))}
    if conn.scalar(select(func.count(Provider.id))) == 0:
        stamp = _at(today)
        conn.execute(insert(Provider.__table__), [{**spec, "updated_at": stamp} for spec in PROVIDERS])
    providers = conn.execute(select(Provider.id, Provider.slug, Provider.levels, Provider.areas)).all()
    staff = list(conn.scalars(select(Account.id).where(Account.role == Role.staff).order_by(Account.id))) or [None]
    return teams, providers, staff


def build_scale(engine, *, clients: int, seed: int) -> dict:
    """Append `clients` synthetic clients, each with a plan (one version), goals and ratings,
    reviews, a referral and ten feedback responses (about half with equality answers), using
    Core executemany in batches inside one transaction. Ids continue from each table's
    current maximum, so this appends to an empty or a demo-filled database. Prints nothing."""
    today = utcnow().date()
    days = dt.timedelta
    tables = {
        "client": Client.__table__, "support_plan": SupportPlan.__table__,
        "support_plan_version": SupportPlanVersion.__table__, "goal": Goal.__table__,
        "goal_rating": GoalRating.__table__, "review": Review.__table__, "referral": Referral.__table__,
        "feedback_response": FeedbackResponse.__table__, "equality_monitoring": EqualityMonitoring.__table__,
    }
    counts = {name: 0 for name in tables}
    with engine.begin() as conn:
        teams, providers, staff = _scale_reference_rows(conn, today)
        next_id = {name: (conn.scalar(select(func.max(table.c.id))) or 0) + 1 for name, table in tables.items()}
        # Seeded by the starting ids too, so a second run on the same database draws new keys.
        rng = random.Random(f"scale/{seed}/{next_id['client']}/{next_id['feedback_response']}")
        r, rint, choice = rng.random, rng.randint, rng.choice

        candidates = {}
        for level in (1, 2):
            offering = [p for p in providers if level in (p.levels or [])]
            for area in AREAS:
                local = [p for p in offering if area in (p.areas or [])]
                candidates[level, area] = [(p.id, p.slug) for p in (local or offering)] or [(None, None)]
        area_team = {area: teams.get(team) for area, team in AREA_TEAM.items()}
        heritages = HERITAGES
        heritage_weights = [h.weight for h in heritages]
        midnight = dt.datetime.combine(today, dt.time(0), dt.UTC)
        stamps = [_at(today - days(d), 600) for d in range(0, 3300)]
        goal_pool = {level: [g for g in GOALS if level in g[3]] for level in (1, 2)}
        reasons = FFT_REASONS
        areas_by_heritage = {h.key: (list(h.areas), list(h.areas.values())) for h in heritages}

        def flush(batches: dict) -> None:
            for name in SCALE_TABLES:
                rows = batches[name]
                if rows:
                    conn.execute(insert(tables[name]), rows)
                    counts[name] += len(rows)
                    rows.clear()

        batches = {name: [] for name in SCALE_TABLES}
        for n in range(clients):
            heritage = rng.choices(heritages, weights=heritage_weights)[0]
            female = r() < 0.52
            given = choice(heritage.female if female else heritage.male)
            index = rint(0, len(heritage.family) - 1)
            family = (heritage.family_female or heritage.family)[index] if female else heritage.family[index]
            language = heritage.language if r() < heritage.p_language else "en"
            area_names, area_weights = areas_by_heritage[heritage.key]
            area = rng.choices(area_names, weights=area_weights)[0]
            client_id = next_id["client"]
            next_id["client"] += 1
            age_days = rint(18 * 366, 85 * 365)
            age_band = _age_band(int(age_days / 365.25))
            batches["client"].append({
                "id": client_id, "given_name": given, "family_name": family, "preferred_language": language,
                "email": None, "phone": None, "address": None, "area": area,
                "date_of_birth": today - days(age_days),
                "section_117_aftercare": r() < 0.1, "team_id": area_team[area], "created_at": stamps[rint(30, 900)],
            })

            # The plan: Level 1 about one in five; 12-month blocks; some overdue, some ended.
            level = 1 if r() < 0.2 else 2
            roll = r()
            status = "ended" if roll < 0.08 else "shared" if roll < 0.12 else "draft" if roll < 0.14 else "agreed"
            prior = (0 if r() < 0.6 else 1) if level == 1 else rint(0, 6)
            ended_on = None
            if status == "draft":
                prior, block_start = 0, today + days(rint(3, 30))
            elif status == "ended":
                ended_on = today - days(rint(7, 600))
                block_start = add_months(ended_on + days(rint(-14, 21) + 1), -12)
            elif status == "agreed" and r() < 0.09:  # review overdue
                block_start = add_months(today - days(rint(1, 120) - 1), -12)
            else:
                block_start = today - days(rint(0, 364))
            block_end = block_end_for(block_start)
            started = add_months(block_start, -12 * prior)
            arrangement_roll = r()
            arrangement = ("council_arranged" if arrangement_roll < 0.6 else
                           "direct_payment" if arrangement_roll < 0.9 else "mixed")
            provider_id, provider_slug = (choice(candidates[level, area]) if arrangement != "direct_payment"
                                          else (None, None))
            plan_id = next_id["support_plan"]
            next_id["support_plan"] += 1
            written = max(0, (today - block_start).days + rint(3, 15))
            batches["support_plan"].append({
                "id": plan_id, "client_id": client_id, "level": level, "status": status,
                "arrangement": arrangement, "provider_id": provider_id, "block_start": block_start,
                "block_end": block_end, "next_review_due": None if ended_on else block_end,
                "level_1_started_on": started if level == 1 else None, "started_on": started,
                "ended_on": ended_on, "current_version_no": 1, "lock_version": 1,
                "created_at": stamps[min(written, 3299)],
            })
            picked = rng.sample(goal_pool[level], rint(1, 3))
            batches["support_plan_version"].append({
                "id": next_id["support_plan_version"], "plan_id": plan_id, "version_no": 1, "level": level,
                "status": status, "block_start": block_start, "block_end": block_end,
                "arrangement": arrangement, "provider_id": provider_id, "hours_per_week": float(rint(2, 20)),
                "location": "own_home" if r() < 0.75 else "supported_accommodation",
                "what_matters_to_me": choice(WHAT_MATTERS),
                "goals_snapshot": [{"position": k + 1, "description": g[0], "target_date": None}
                                   for k, g in enumerate(picked)],
                "change_summary": "Plan for this block." if prior else "First support plan.",
                "written_by_account_id": choice(staff), "created_at": stamps[min(written, 3299)],
                "agreed_by_client_at": stamps[max(1, written - 5)] if status in ("agreed", "ended") else None,
                "client_comment": None,
            })
            next_id["support_plan_version"] += 1

            # Goals, rated every six weeks or so since the block began.
            rated_until = ended_on or today
            for k, (description, steps, who, _levels) in enumerate(picked):
                goal_id = next_id["goal"]
                next_id["goal"] += 1
                goal_row = {
                    "id": goal_id, "plan_id": plan_id, "position": k + 1, "description": description,
                    "steps": steps, "who_helps": who, "target_date": block_end,
                    "status": "active" if status != "ended" else ("reached" if r() < 0.6 else "stopped"),
                    "created_at": stamps[min(written, 3299)], "rating_count": 0,
                    "first_rating": None, "latest_rating": None,
                }
                batches["goal"].append(goal_row)
                value = rint(1, 4)
                on = block_start
                for _ in range(rint(2, 4)):
                    if on >= rated_until:
                        break
                    batches["goal_rating"].append({
                        "id": next_id["goal_rating"], "goal_id": goal_id, "rating": value,
                        "rated_by": "client" if r() < 0.75 else "staff", "rated_by_account_id": None,
                        "rated_on": on, "note": None, "created_at": stamps[min((today - on).days, 3299)],
                    })
                    if goal_row["first_rating"] is None:
                        goal_row["first_rating"] = value
                    goal_row["latest_rating"] = value
                    goal_row["rating_count"] += 1
                    next_id["goal_rating"] += 1
                    value = max(0, min(10, value + rint(-1, 3 if level == 1 else 2)))
                    on += days(rint(28, 56))

            # Reviews: the last completed one, and the open one (or the discharge).
            if prior:
                done = block_start - days(rint(-10, 21))
                batches["review"].append({
                    "id": next_id["review"], "plan_id": plan_id, "due_on": block_start - days(1),
                    "scheduled_for": done, "completed_on": min(done, today - days(1)),
                    "outcome": "continue_level_1" if level == 1 else "continue_level_2",
                    "notes": None, "recorded_by_account_id": choice(staff), "created_at": stamps[rint(30, 400)],
                })
                next_id["review"] += 1
            batches["review"].append({
                "id": next_id["review"], "plan_id": plan_id, "due_on": block_end, "scheduled_for": None,
                "completed_on": ended_on, "outcome": "discharge" if ended_on else None, "notes": None,
                "recorded_by_account_id": choice(staff) if ended_on else None, "created_at": stamps[rint(0, 300)],
            })
            next_id["review"] += 1
            assessed = started - days(rint(14, 120))
            batches["referral"].append({
                "id": next_id["referral"], "client_id": client_id, "level": level,
                "referred_on": assessed - days(rint(10, 70)), "assessed_on": assessed,
                "support_started_on": None if status == "draft" else started,
            })
            next_id["referral"] += 1

            # Ten feedback responses (not linked to the client: level and provider only).
            quality = PROVIDER_QUALITY.get(provider_slug, -0.03)
            for _ in range(10):
                seconds_back = int(730 * 86400 * r() ** 1.3) + 60
                score = rng.gauss(0.32, 0.14) if r() < 0.1 else rng.gauss(0.79 + quality, 0.17)
                fft = "dont_know" if r() < 0.07 else _fft_from_score(score)
                reason, free_status, released = None, "none", None
                if r() < 0.2:
                    mood = ("dont_know" if fft == "dont_know" else "positive" if fft in ("very_good", "good")
                            else "neutral" if fft == "neither" else "negative")
                    reason = choice(reasons[mood]).format(name=choice(NAMES_IN_TEXT))
                    if seconds_back < 21 * 86400:
                        free_status = "pending"
                    else:
                        free_status, released = "released", _redact(reason)
                feedback_id = next_id["feedback_response"]
                next_id["feedback_response"] += 1
                carer = r() < 0.15
                batches["feedback_response"].append({
                    "id": feedback_id, "submission_key": _uuid(rng),
                    "submitted_at": midnight - days(seconds=seconds_back),
                    "channel": "signed_in" if r() < 0.35 else "public_link",
                    "respondent_type": "carer" if carer else "client", "on_behalf_of_client": carer and r() < 0.6,
                    "level": level, "provider_id": provider_id, "language": language, "fft": fft,
                    "fft_reason": reason,
                    "outcome_answers": {key: ("dont_know" if r() < 0.06 else
                                              _agreement_from_score(score + rng.gauss(0, 0.15)))
                                        for key in OUTCOME_KEYS if r() < 0.97},
                    "other_comments": None, "free_text_status": free_status, "released_text": released,
                })
                if r() < 0.5:
                    batches["equality_monitoring"].append({
                        "id": next_id["equality_monitoring"], "feedback_response_id": feedback_id,
                        "age_band": age_band if r() < 0.9 else PREFER_NOT,
                        "sex": ("female" if female else "male") if r() < 0.92 else PREFER_NOT,
                        "gender_identity": "yes" if r() < 0.9 else PREFER_NOT,
                        "ethnicity": heritage.ethnicity if r() < 0.88 else PREFER_NOT,
                        "religion": _religion(rng) if r() < 0.88 else PREFER_NOT,
                        "sexual_orientation": ("straight" if r() < 0.85 else
                                               choice(EQUALITY_OPTIONS["sexual_orientation"] + [PREFER_NOT])),
                        "disability": choice(EQUALITY_OPTIONS["disability"] + [PREFER_NOT]),
                    })
                    next_id["equality_monitoring"] += 1
            if (n + 1) % SCALE_CHUNK == 0:
                flush(batches)
        flush(batches)

        if engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for name in SCALE_TABLES:
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {name}))"
                ))
        counts["feedback_tally"] = tally.rebuild(conn)
    return counts
