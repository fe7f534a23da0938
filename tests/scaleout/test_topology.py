"""Two portal hosts behind HAProxy, one PostgreSQL, Redis, two outbox senders and two Rasa
servers (tests/scaleout/topology.py): what a person does goes through the proxy, which
sends each request to the hosts in turn, and nothing they notice changes.

The test that kills a portal host comes last (the file runs in order: -p no:randomly)."""
from __future__ import annotations

import collections
import re
import secrets
import threading
import time

import pytest
import redis
import requests
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from portal.demo import DEMO_ACCOUNTS
from portal.domain import outbox
from portal.models import FeedbackResponse, OutboxMessage, utcnow

pytestmark = pytest.mark.scaleout
HOSTS = {"host1", "host2"}


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def alternates(names: list[str]) -> bool:
    return set(names) == HOSTS and all(a != b for a, b in zip(names, names[1:], strict=False))


def sign_in(topology, role: str) -> tuple[requests.Session, str]:
    """A person signs in through the proxy (a role without a second step); returns their
    browser and the page they land on."""
    account = next(a for a in DEMO_ACCOUNTS if a.role == role)
    browser = requests.Session()
    form = browser.get(f"{topology.url}/en/sign-in", timeout=30)
    answer = browser.post(f"{topology.url}/en/sign-in", timeout=30, allow_redirects=False, data={
        "csrf_token": csrf_token(form.text), "email": account.email, "password": account.password})
    assert answer.status_code == 302, answer.text
    # Two requests, one on each host: the form came from one and the sign-in went to the other.
    assert {topology.host_of(form), topology.host_of(answer)} == HOSTS
    return browser, answer.headers["Location"]


def test_a_signed_in_person_goes_from_host_to_host_without_noticing(topology):
    browser, landing = sign_in(topology, "client")
    served_by = []
    for _ in range(6):
        page = browser.get(f"{topology.url}{landing}", timeout=30, allow_redirects=False)
        assert page.status_code == 200 and "Sign out" in page.text  # still signed in, whichever host
        served_by.append(topology.host_of(page))
    assert alternates(served_by), served_by


def test_signing_out_on_one_host_ends_the_session_on_the_other(topology):
    browser, landing = sign_in(topology, "carer")
    page = browser.get(f"{topology.url}{landing}", timeout=30)
    cookies_before = browser.cookies.copy()  # what someone who copied the cookie still holds
    signed_out = browser.post(f"{topology.url}/en/sign-out", data={"csrf_token": csrf_token(page.text)},
                              timeout=30, allow_redirects=False)
    assert signed_out.status_code == 302
    replayed = requests.Session()
    replayed.cookies.update(cookies_before)
    answers = [replayed.get(f"{topology.url}{landing}", timeout=30, allow_redirects=False) for _ in range(2)]
    # Both hosts (the one that signed the person out, and the other) send the old cookie to sign in.
    assert {topology.host_of(a) for a in answers} == HOSTS
    assert all(a.status_code == 302 and "/sign-in" in a.headers["Location"] for a in answers), answers


def test_a_rate_limit_counts_across_both_hosts(topology):
    # The topology sets RATELIMIT_CHAT_SESSION to 4 per minute: counted per host, a chat
    # would get 8 messages through two hosts.
    browser = requests.Session()
    page = browser.get(f"{topology.url}/en/chat", timeout=30)
    answers = [browser.post(f"{topology.url}/en/chat", timeout=30,
                            data={"csrf_token": csrf_token(page.text), "message": "What is level 1?"})
               for _ in range(6)]
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429, 429]
    assert alternates([topology.host_of(a) for a in answers])


def test_two_senders_send_every_mail_once(topology, mail_server):
    tag = secrets.token_hex(4)
    engine = create_engine(topology.database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    subjects = [f"Scale-out check {tag} {n}" for n in range(40)]
    with Session(engine) as session:
        for n, subject in enumerate(subjects):
            outbox.queue_mail(session, to=f"person{n}@example.invalid", subject=subject, body="Hello", now=utcnow())
        session.commit()
    deadline = time.monotonic() + 60
    while sum(m["Subject"] in subjects for m in mail_server.messages) < len(subjects) and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(3)  # both senders look again (every second): a second copy would arrive by now
    received = collections.Counter(m["Subject"] for m in mail_server.messages if m["Subject"] in subjects)
    assert received == dict.fromkeys(subjects, 1)
    with Session(engine) as session:
        unsent = session.scalars(select(OutboxMessage.id).where(OutboxMessage.sent_at.is_(None))).all()
    engine.dispose()
    assert unsent == []
    # Both took part: each sender prints what it sent ({"sent": n, ...}) after each round.
    sent_by = {name: sum(int(n) for n in re.findall(r'"sent": (\d+)', topology.log(name)))
               for name in ("sender1", "sender2")}
    assert all(sent_by.values()) and sum(sent_by.values()) >= len(subjects), sent_by


def test_a_chat_goes_from_one_rasa_server_to_the_other_and_keeps_its_context(topology):
    browser = requests.Session()
    page = browser.get(f"{topology.url}/en/chat", timeout=30)
    replies, rasa_servers = [], []
    for _ in range(2):
        before = len(topology.proxy_log("rasa_servers"))
        reply = browser.post(f"{topology.url}/en/chat", timeout=30,
                             data={"csrf_token": csrf_token(page.text), "message": "?? ..."})  # no words: a miss
        assert reply.status_code == 200
        replies.append(reply.text)
        rasa_servers += topology.proxy_log("rasa_servers")[before:]
    assert len(rasa_servers) == 2 and set(rasa_servers) == {"rasa1", "rasa2"}, rasa_servers
    assert "try asking in a different way" in replies[0]
    # The second miss in a row points to a person: the other Rasa server read the first
    # miss from the shared tracker store.
    assert "Sorry, I still did not understand" in replies[1]
    # Each Rasa server took the conversation's lock in Redis (its lock store uses db 1; the
    # portal's rate limits db 0): both keep a connection there.
    lock_store_clients = [c for c in redis.Redis(port=topology.redis_port).client_list() if c["db"] == "1"]
    assert len(lock_store_clients) >= 2, lock_store_clients


def test_killing_a_portal_host_under_load_loses_no_write_and_the_proxy_keeps_answering(topology):
    browser, landing = sign_in(topology, "client")
    client_id = re.search(r"/clients/(\d+)", landing).group(1)
    form_url = f"{topology.url}/en/clients/{client_id}/feedback"
    form = browser.get(form_url, timeout=30).text
    fields = {"csrf_token": csrf_token(form), "fft": re.search(r'name="fft"[^>]*value="([^"]+)"', form).group(1),
              "about": "service"}
    answers: list[tuple[str, int, str, float]] = []  # submission key, status, host, when sent
    killed_at: list[float] = []

    def post_feedback(worker: int) -> None:
        session = requests.Session()
        session.cookies.update(browser.cookies)
        # A connection per post, as many browsers behind one proxy look to it.
        session.headers["Connection"] = "close"
        for n in range(12):
            key = secrets.token_hex(16)
            sent = time.monotonic()
            try:
                answer = session.post(form_url, timeout=30, allow_redirects=False, data={
                    **fields, "submission_key": key, "other_comments": f"Scale-out write {worker}-{n}"})
                answers.append((key, answer.status_code, topology.host_of(answer), sent))
            except requests.RequestException as error:
                answers.append((key, 0, repr(error), sent))

    workers = [threading.Thread(target=post_feedback, args=(w,)) for w in range(4)]
    for worker in workers:
        worker.start()
    while len(answers) < 12:
        time.sleep(0.05)
    topology.kill_host("host2")  # returns once host2 refuses connections
    killed_at.append(time.monotonic())
    for worker in workers:
        worker.join()

    engine = create_engine(topology.database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with Session(engine) as session:
        stored = set(session.scalars(select(FeedbackResponse.submission_key)
                                     .where(FeedbackResponse.submission_key.in_([a[0] for a in answers]))))
    engine.dispose()
    acknowledged = {key for key, status, _host, _sent in answers if 200 <= status < 400}
    assert acknowledged <= stored  # every write the person was told about is there
    # Only a post in flight when the host died may go unanswered (it may or may not be
    # stored: the person sees an error and sends it again, under the same submission key).
    unanswered = [a for a in answers if not 200 <= a[1] < 400]
    assert len(unanswered) <= len(workers), unanswered
    after = [a for a in answers if a[3] > killed_at[0]]
    assert after and all(200 <= status < 400 and host == "host1" for _key, status, host, _sent in after), (
        [a for a in after if a[2] != "host1"], topology.log("haproxy")[-3000:])
    print(f"\n{len(answers)} feedback posts, host2 killed after 12: {len(acknowledged)} answered 2xx/3xx, "
          f"{len(unanswered)} not, {len(stored)} stored")
