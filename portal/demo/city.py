"""The builder of the synthetic city: teams, staff and providers, clients, carers, plans, feedback.

One seeded random stream draws everything in a fixed order, so the order of the steps (and of
the draws inside each) is part of the data: the same seed on the same date gives the same rows.
"""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy.orm import Session

from ..domain import accounts, releases, tally
from ..domain.feedback import day_of
from ..domain.plans import add_months, months_between
from ..models import (
    Account,
    AccountStatus,
    Arrangement,
    CarerAccess,
    CarerScope,
    Client,
    ClientEthnicity,
    EqualityMonitoring,
    FeedbackChannel,
    FeedbackResponse,
    FreeTextStatus,
    Provider,
    Referral,
    RequestStatus,
    RespondentType,
    Role,
    Team,
)
from .accounts import DEMO_ACCOUNTS, DEMO_CARER_SCOPES, DEMO_EMAIL_DOMAIN, OTHER_ACCOUNTS, STAFF, demo_email
from .draws import at, new_uuid, weighted
from .feedback import (
    EQUALITY_OPTIONS,
    FFT_REASONS,
    NAMES_IN_TEXT,
    OTHER_COMMENTS,
    OUTCOME_KEYS,
    PREFER_NOT,
    agreement_from_score,
    fft_from_score,
    mood_of,
    redact,
)
from .history import KIND_QUOTAS, NEW_KINDS, WAITING_REFERRALS, history
from .messages import DemoMessages
from .people import HERITAGES, RELATIONSHIPS, age_band, ascii_name, draw_person, language_for, religion
from .places import AREA_TEAM, DISTRICTS, PROVIDER_QUALITY, PROVIDERS, STREETS, TEAMS
from .plan_story import PlanStory
from .referrals import front_door

REFERENCE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# Requests to change arrangement, by status, among clients with an open plan.
REQUESTS = {RequestStatus.requested: 8, RequestStatus.in_discussion: 7,
            RequestStatus.agreed: 9, RequestStatus.declined: 6}
# Other carers are not allowed messages: only the demo carer (drawing more would change the city).
CARER_SCOPE_ODDS = {"plan": 0.85, "goals": 0.6, "reviews": 0.5, "arrangement": 0.35, "feedback": 0.45}


class City:
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
        self.demo_hashes = {d.role: accounts.hash_password(d.password) for d in DEMO_ACCOUNTS}
        # Hashing is slow: one throw-away password's hash serves every non-demo account.
        self.shared_hash = accounts.hash_password(f"synthetic-{rng.getrandbits(64):x}")
        self.teams = {name: Team(name=name) for name in TEAMS}
        self.add_all("team", list(self.teams.values()))
        self.providers = [Provider(**spec, updated_at=at(self.day(5, 90))) for spec in PROVIDERS]
        self.add_all("provider", self.providers)
        self.staff: dict[str, list[Account]] = {}
        rows = []
        for team_name, names in STAFF.items():
            self.staff[team_name] = []
            for i, name in enumerate(names):
                is_demo = team_name == "North team" and i == 0
                account = self._account(
                    Role.staff, name, demo_email("staff") if is_demo else None,
                    team=self.teams[team_name], created=self.day(400, 1400),
                )
                self.staff[team_name].append(account)
                rows.append(account)
        self.demo_staff = self.staff["North team"][0]
        for role, names in OTHER_ACCOUNTS.items():
            for i, name in enumerate(names):
                email = demo_email(role) if i == 0 else None
                rows.append(self._account(Role(role), name, email, created=self.day(300, 900)))
        self.add_all("account", rows)
        self.session.flush()

    def _account(self, role: Role, name: str, demo_email: str | None, *, team: Team | None = None,
                 client: Client | None = None, created: dt.date, language: str = "en") -> Account:
        if demo_email:
            email, password_hash = demo_email, self.demo_hashes[role.value]
        else:
            self.account_no += 1
            email = f"{ascii_name(name.replace(' ', '.'))}.{self.account_no}@{DEMO_EMAIL_DOMAIN}"
            password_hash = self.shared_hash
        return Account(
            email=email, display_name=name, password_hash=password_hash, role=role,
            status=AccountStatus.active,
            team=team, client=client, preferred_language=language, created_at=at(created),
        )

    def clients(self) -> None:
        n_plans = sum(KIND_QUOTAS.values())
        kinds = self._kinds()
        arrangements = self._arrangements(n_plans)
        self.people: list[dict] = []
        rows = []
        for i in range(n_plans + WAITING_REFERRALS):
            person = self._person(i, kinds[i] if i < n_plans else None,
                                  arrangements[i] if i < n_plans else None)
            self.people.append(person)
            rows.append(person["client"])
        self.add_all("client", rows)
        self.demo_client = self.people[0]
        self._client_accounts(n_plans)

    def _kinds(self) -> list[str]:
        """A kind of history for each client with a plan; the demo client's first."""
        kinds = [kind for kind, n in KIND_QUOTAS.items() for _ in range(n)]
        kinds.remove("l1_mid")  # the demo client's slot
        self.rng.shuffle(kinds)
        kinds.insert(0, "l1_mid")
        return kinds

    def _arrangements(self, n_plans: int) -> list[Arrangement]:
        """60 % council-arranged, 30 % direct payments, 10 % mixed; the demo client's first."""
        arrangements = ([Arrangement.council_arranged] * round(n_plans * 0.6 - 1)
                        + [Arrangement.direct_payment] * round(n_plans * 0.3)
                        + [Arrangement.mixed] * round(n_plans * 0.1))
        self.rng.shuffle(arrangements)
        arrangements.insert(0, Arrangement.council_arranged)
        return arrangements

    def _person(self, i: int, kind: str | None, arrangement: Arrangement | None) -> dict:
        """Client number `i` (0 is the demo client) and what the later steps need to know of them."""
        rng = self.rng
        if i == 0:
            given, family, heritage, female = "Amina", "Hussain", HERITAGES[2], True
            language, area, born = "en", "North", add_months(self.today, -12 * 34 - 5)
        else:
            given, family, heritage, female = draw_person(rng)
            language = language_for(rng, heritage)
            area = weighted(rng, heritage.areas)
            born = self.today - dt.timedelta(days=rng.randint(18 * 366, 85 * 365))
        client = Client(
            given_name=given, family_name=family, preferred_language=language,
            email=demo_email("client") if i == 0 else None,
            phone=f"07700 900{rng.randint(0, 999):03d}",
            address=f"{rng.randint(1, 180)} {rng.choice(STREETS)}, Sheffield {rng.choice(DISTRICTS[area])}",
            area=area, date_of_birth=born,
            section_117_aftercare=(i != 0 and rng.random() < 0.1),
            team=self.teams[AREA_TEAM[area]],
        )
        person = {"client": client, "heritage": heritage, "female": female, "area": area, "language": language,
                  "kind": kind, "arrangement": arrangement, "account": None, "carers": []}
        if kind is not None:
            person["history"] = history(rng, kind, self.today, demo=i == 0)
        return person

    def _client_accounts(self, n_plans: int) -> None:
        """Portal accounts: the demo client, and about one in five other clients with a plan."""
        rng = self.rng
        account_rows = []
        for i, person in enumerate(self.people[:n_plans]):
            if i == 0 or (person["kind"] not in NEW_KINDS and rng.random() < 0.2):
                client = person["client"]
                since = max(person["history"].starts[0], self.today - dt.timedelta(days=700))
                created = since + dt.timedelta(days=rng.randint(0, max(0, (self.today - since).days - 1)))
                account = self._account(
                    Role.client, client.full_name, demo_email("client") if i == 0 else None,
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

        # The demo carer: the demo client's brother, and a friend's plan (plan only).
        self.demo_carer = demo_carer = self._account(Role.carer, "Yusuf Hussain", demo_email("carer"), created=self.day(200, 400))
        carer_rows.append(demo_carer)
        access_rows.append(self._grant(demo_carer, self.demo_client, DEMO_CARER_SCOPES, "brother"))
        access_rows.append(self._grant(demo_carer, demo_second, [CarerScope.plan], "friend"))

        for k in range(39):
            person = chosen[k]
            relation = rng.choice(RELATIONSHIPS)
            carer = self._carer_of(person, relation)
            carer_rows.append(carer)
            scopes = [CarerScope(s) for s, odds in CARER_SCOPE_ODDS.items() if rng.random() < odds]
            access_rows.append(self._grant(carer, person, scopes or [CarerScope.plan], relation,
                                           revoked=k % 10 == 3))
            if k < 5:  # a few carers help two people
                other = chosen[39 + k]
                access_rows.append(self._grant(carer, other, [CarerScope.plan, CarerScope.goals], "friend"))
        self.add_all("account", carer_rows)
        self.add_all("carer_access", access_rows)
        self.session.flush()

    def _carer_of(self, person: dict, relation: str) -> Account:
        """A carer named to fit the relationship: family share the heritage and, mostly, the surname."""
        family_member = relation not in ("friend", "neighbour", "partner")
        if relation in ("mother", "daughter", "sister", "wife", "aunt"):
            female = True
        else:
            female = None if relation in ("friend", "neighbour", "partner", "cousin") else False
        shares_surname = family_member and person["heritage"].family_female is None
        given, family, _, _ = draw_person(
            self.rng, person["heritage"], female=female,
            family=person["client"].family_name if shares_surname else None,
        )
        return self._account(Role.carer, f"{given} {family}", None, created=self.day(30, 800),
                             language=person["language"])

    def _grant(self, carer: Account, person: dict, scopes: list, relation: str,
               revoked: bool = False) -> CarerAccess:
        rng = self.rng
        start = max(self.today - dt.timedelta(days=900), person["history"].starts[0])
        granted = start + dt.timedelta(days=rng.randint(0, max(1, (self.today - start).days - 2)))
        granted = min(granted, self.today - dt.timedelta(days=1))
        revoked_at = None
        if revoked:
            revoked_on = min(self.today - dt.timedelta(days=1), granted + dt.timedelta(days=rng.randint(20, 300)))
            revoked_at = at(revoked_on, rng.randint(1001, 1200))  # later than the grant's time of day
        granted_by = person["account"] or rng.choice(self.staff[AREA_TEAM[person["area"]]])
        granted_at = at(granted, rng.randint(540, 1000))
        access = CarerAccess(
            carer=carer, client=person["client"], carer_name=carer.display_name, invited_email=carer.email,
            scopes=[s.value for s in scopes], relationship_to_client=relation, granted_at=granted_at,
            accepted_at=granted_at + dt.timedelta(hours=2),  # accepted the same day
            granted_by_account_id=granted_by.id, revoked_at=revoked_at,
        )
        if revoked_at is None:
            person["carers"].append((carer, scopes))
        return access

    # -- plans --------------------------------------------------------------------------
    def provider_for(self, person: dict, level: int, *, new: bool) -> Provider:
        """A provider for the person's level, in their area if any is, preferring their language."""
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
        return self.rng.choices(candidates, weights=weights)[0]

    def plans(self) -> None:
        """Every client's plan story, or their referral if they are still waiting."""
        request_for = self._requests_to_make()
        plan_rows, referral_rows, request_rows, comment_rows = [], [], [], []
        for person in self.people:
            if person["kind"] is None:
                referral_rows.append(self._waiting_referral(person))
                continue
            story = PlanStory(self, person, request_for.get(id(person)))
            plan, referral, request = story.write()
            comment_rows += story.comments
            plan_rows.append(plan)
            referral_rows.append(referral)
            if request is not None:
                request_rows.append(request)
        self.add_all("support_plan", plan_rows)
        self.add_all("referral", referral_rows)
        self.add_all("arrangement_request", request_rows)
        self.add_all("plan_comment", comment_rows)

    def _requests_to_make(self) -> dict[int, RequestStatus]:
        """Which clients asked to change their arrangement, and where each request stands (by id(person))."""
        eligible = [p for p in self.people[1:] if p["kind"] in ("l2", "l1_new", "l1_mid", "l2_overdue")]
        picked = self.rng.sample(eligible, sum(REQUESTS.values()))
        request_for = {}
        for status, n in REQUESTS.items():
            for _ in range(n):
                request_for[id(picked.pop())] = status
        return request_for

    def _waiting_referral(self, person: dict) -> Referral:
        """Still waiting: referred, perhaps assessed, no plan yet."""
        rng = self.rng
        client = person["client"]
        referred = self.day(3, 70)
        assessed = referred + dt.timedelta(days=rng.randint(14, 40)) if rng.random() < 0.3 else None
        referral = Referral(client_id=client.id, level=rng.choice([1, 2, 2, 2]), referred_on=referred,
                            assessed_on=assessed if assessed and assessed < self.today else None)
        client.created_at = at(referred, rng.randint(540, 1000))
        return referral

    def reference(self) -> str:
        """A new arrangement request reference, unique in the city."""
        while True:
            ref = "AR-" + "".join(self.rng.choice(REFERENCE_CHARS) for _ in range(6))
            if ref not in self.references:
                self.references.add(ref)
                return ref

    # -- feedback -----------------------------------------------------------------------
    def feedback(self, n: int = 3000) -> None:
        """Two years of feedback responses, more of them recent, about 60 % with equality answers."""
        rng = self.rng
        midnight = dt.datetime.combine(self.today, dt.time(0), dt.UTC)
        with_plans = [p for p in self.people if p["kind"] is not None and p["kind"] not in NEW_KINDS]
        rows, answers = [], []
        for _ in range(n):
            person = rng.choice(with_plans)
            rows.append(self._response(person, midnight))
            answers.append(self._equality(person) if rng.random() < 0.6 else None)
        self.add_all("feedback_response", rows)
        self.session.flush()
        equality = [EqualityMonitoring(feedback_response_id=row.id, **answer)
                    for row, answer in zip(rows, answers, strict=True) if answer is not None]
        self.add_all("equality_monitoring", equality)
        self.session.flush()
        self.count("feedback_tally", tally.rebuild(self.session))

    def _response(self, person: dict, midnight: dt.datetime) -> FeedbackResponse:
        rng = self.rng
        provider = person["provider"]
        seconds_back = int(730 * 86400 * rng.random() ** 1.3) + 60  # more recent responses than old
        age_days = seconds_back / 86400
        score = self._score(provider, age_days)
        fft = "dont_know" if rng.random() < 0.07 else fft_from_score(score)
        outcomes = self._outcome_answers(score)
        carer = rng.random() < 0.15
        reason = None
        if rng.random() < 0.45:
            reason = rng.choice(FFT_REASONS[mood_of(fft)]).format(name=rng.choice(NAMES_IN_TEXT))
        comments = rng.choice(OTHER_COMMENTS) if rng.random() < 0.1 else None
        status, released = self._free_text_review(reason, comments, age_days)
        return FeedbackResponse(
            submission_key=new_uuid(rng), submitted_at=day_of(midnight - dt.timedelta(seconds=seconds_back)),
            channel=FeedbackChannel.signed_in if rng.random() < 0.35 else FeedbackChannel.public_link,
            respondent_type=RespondentType.carer if carer else RespondentType.client,
            on_behalf_of_client=carer and rng.random() < 0.6,
            level=person["plan"].level, provider_id=provider.id if provider else None,
            language=person["language"], fft=fft, fft_reason=reason, outcome_answers=outcomes,
            other_comments=comments, free_text_status=status, released_text=released,
        )

    def _score(self, provider: Provider | None, age_days: float) -> float:
        """How good the experience was, 0 to 1: mostly good, better lately, a little by provider."""
        quality = PROVIDER_QUALITY.get(provider.slug, 0) if provider else -0.03
        if self.rng.random() < 0.1:  # a minority with a poor experience
            return self.rng.gauss(0.32, 0.14)
        # getting slightly better over the two years
        return self.rng.gauss(0.79 + quality + 0.06 * (1 - age_days / 730), 0.17)

    def _outcome_answers(self, score: float) -> dict[str, str]:
        rng = self.rng
        outcomes = {}  # a skipped statement is left out, as the form stores it
        for key in OUTCOME_KEYS:
            roll = rng.random()
            if roll >= 0.03:
                outcomes[key] = ("dont_know" if roll < 0.09 else
                                 agreement_from_score(score + rng.gauss(0, 0.15)))
        return outcomes

    def _free_text_review(self, reason: str | None, comments: str | None,
                          age_days: float) -> tuple[FreeTextStatus, str | None]:
        """Recent free text mostly waits for review; a little is withheld; the rest is released redacted."""
        rng = self.rng
        if not (reason or comments):
            return FreeTextStatus.none, None
        if age_days < 21 and rng.random() < 0.8:
            return FreeTextStatus.pending, None
        if rng.random() < 0.07:
            return FreeTextStatus.withheld, None
        return FreeTextStatus.released, redact("\n".join(t for t in (reason, comments) if t))

    def ethnicity(self) -> None:
        """The ethnic group clients gave at assessment: most from their heritage, a few chose
        not to say, a few were not asked (no row)."""
        rows = []
        for person in self.people:
            roll = self.rng.random()
            if roll < 0.9:
                rows.append(ClientEthnicity(client_id=person["client"].id, ethnicity=(
                    person["heritage"].ethnicity if roll < 0.85 else PREFER_NOT)))
        self.add_all("client_ethnicity", rows)

    def _equality(self, person: dict) -> dict:
        rng = self.rng
        answer = {}
        for key, options in EQUALITY_OPTIONS.items():
            roll = rng.random()
            if roll < 0.04:
                answer[key] = None  # skipped
            elif roll < 0.12:
                answer[key] = PREFER_NOT
            else:
                answer[key] = self._equality_answer(person, key, options)
        return answer

    def _equality_answer(self, person: dict, key: str, options: list[str]) -> str:
        rng = self.rng
        if key == "age_band":
            return age_band(months_between(person["client"].date_of_birth, self.today) // 12)
        if key == "sex":
            return "female" if person["female"] else "male"
        if key == "gender_identity":
            return "no" if rng.random() < 0.02 else "yes"
        if key == "ethnicity":
            return person["heritage"].ethnicity if rng.random() < 0.9 else rng.choice(options)
        if key == "religion":
            muslim = person["heritage"].key in ("pakistani", "arabic", "somali")
            return "muslim" if muslim and rng.random() < 0.85 else religion(rng)
        if key == "sexual_orientation":
            return rng.choices(options, weights=[86, 6, 6, 2])[0]
        return rng.choices(options, weights=[30, 45, 25])[0]


def build(session: Session, *, seed: int, now: dt.datetime) -> dict:
    """Build the synthetic city into an empty database. Flushes, never commits."""
    city = City(session, seed, now)
    city.staff_and_providers()
    city.clients()
    city.carers()
    city.plans()
    session.flush()
    city.feedback()
    city.ethnicity()
    session.flush()
    city.counts.update(DemoMessages(session, seed=seed, today=city.today, staff=city.staff, team_of_area=AREA_TEAM)
                       .build(city.people, city.demo_carer))
    for name, n in front_door(session, today=city.today, teams=list(city.teams.values())).items():
        city.count(name, n)
    # Commissioners read releases only: the demo has this month's release to show.
    releases.make_release(session, now=now)
    city.count("insight_release")
    return dict(sorted(city.counts.items()))
