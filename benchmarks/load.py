"""The whole service under load: simulated people sign in once, then mix 60 % my-support and
plan pages, 10 % goal ratings, 10 % feedback posts and 20 % public pages in several
languages. Then the plan page alone and a minimal template page alone, at the same
concurrency in the same run, for their ratio. Prints; asserts nothing. Loopback only.

    .venv/bin/python benchmarks/load.py                       # SQLite, 50 users, 60 s a phase
    scripts/with-throwaway-postgres .venv/bin/python benchmarks/load.py --postgres
    make benchmark-load                                       # both

Targets (issue): 0 errors, p95 < 300 ms, plan page req/s ÷ minimal page req/s ≥ 0.5.
"""
from __future__ import annotations

import argparse
import os
import random
import re

from _harness import csrf_token, gunicorn, header, prepare_database, print_table, run_load, sign_in

from portal.domain.demo import DEMO_ACCOUNTS

CLIENT = next(a for a in DEMO_ACCOUNTS if a.role == "client")
LANGS = ["en", "ar", "zh", "ur", "pl", "so"]
PUBLIC = ["", "about-the-service", "level-1-targeted-help", "level-2-ongoing-care", "reviews", "help-in-a-crisis",
          "council-arranged-or-direct-payments", "providers"]


def _find_client_id(session, base) -> str:
    page = session.get(f"{base}/en/account").text
    return re.search(r"/en/clients/(\d+)/support", page).group(1)


def setup(session, base, index):
    sign_in(session, base, CLIENT.email, CLIENT.password)
    client_id = _find_client_id(session, base)
    goals = session.get(f"{base}/en/clients/{client_id}/goals").text
    session.person = {"client": client_id, "goals": re.findall(rf"/clients/{client_id}/goals/(\d+)/rate", goals)}
    session.rng = random.Random(index)


def mixed(session, base):
    rng, person = session.rng, session.person
    roll = rng.random()
    if roll < 0.6:
        section = rng.choice(["support", "plan"])
        response = session.get(f"{base}/en/clients/{person['client']}/{section}")
        return f"my {section}", response.status_code == 200
    if roll < 0.7:
        goal = rng.choice(person["goals"])
        url = f"{base}/en/clients/{person['client']}/goals/{goal}/rate"
        token = csrf_token(session.get(url).text)
        response = session.post(url, data={"csrf_token": token, "rating": str(rng.randint(0, 10)), "note": ""},
                                allow_redirects=False)
        return "rate a goal (GET+POST)", response.status_code == 302
    if roll < 0.8:
        form = session.get(f"{base}/en/feedback").text
        key = re.search(r'name="submission_key" type="hidden" value="([^"]+)"', form)
        response = session.post(f"{base}/en/feedback", allow_redirects=False, data={
            "csrf_token": csrf_token(form), "submission_key": key.group(1) if key else "", "fft": "good",
            "respondent": "client", "about": "service",
        })
        return "feedback (GET+POST)", response.status_code in (302, 303)
    lang, slug = rng.choice(LANGS), rng.choice(PUBLIC)
    response = session.get(f"{base}/{lang}/{slug}")
    return "public page", response.status_code == 200


def only(path_for, label):
    def scenario(session, base):
        response = session.get(path_for(session, base))
        return label, response.status_code == 200
    return scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--postgres", action="store_true", help="use the cluster in TEST_DATABASE_URL")
    args = parser.parse_args()
    url = None
    if args.postgres:
        from insights import _postgres_database  # the same throw-away database set-up

        url = _postgres_database()
    header(args.workers)
    url = prepare_database(url)
    print(f"database: {url.split(':', 1)[0]}; {args.users} users; {args.duration:.0f} s a phase")
    with gunicorn(url, workers=args.workers) as base:
        mix = run_load(base, mixed, concurrency=args.users, duration=args.duration, setup=setup)
        print_table("Mixed use (60 % my support/plan, 10 % ratings, 10 % feedback, 20 % public pages)", mix)
        plan = run_load(base, only(lambda s, b: f"{b}/en/clients/{s.person['client']}/plan", "plan page"),
                        concurrency=args.users, duration=args.duration / 2, setup=setup)
        print_table("The plan page alone", plan)
        minimal = run_load(base, only(lambda s, b: f"{b}/en/status", "minimal page"),
                           concurrency=args.users, duration=args.duration / 2)
        print_table("A minimal template page alone", minimal)
    print(f"\nratio plan page / minimal page (req/s): {plan.rps('plan page') / minimal.rps('minimal page'):.2f}")


if __name__ == "__main__":
    main()
