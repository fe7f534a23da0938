"""Who may open what: the access policy, written by hand from the service's rules.

Not computed from the code: when a view's declaration and this table disagree, the test
fails and a person decides which is wrong. The rules:

- A client sees and does everything on their own record, and nothing on anyone else's.
- A carer sees only what the client granted, scope by scope: "plan" the support page and
  the plan; "goals" goals and ratings; "reviews" reviews; "arrangement" how support is
  arranged and asking to change it; "feedback" giving feedback for them; "messages" reading
  and writing their messages with the team. Never the
  client's carers, who has looked, their data, or answering the plan for them.
- Staff work on their own team's clients only; they never act as the client (no feedback,
  no arrangement requests, no answering the plan, no starting a conversation for them).
  Messages: staff of the client's team read and reply, assign and close; the team inbox
  opens for any staff and lists their own team's conversations only.
- Staff of any team read the questions the assistant could not answer (no identity,
  redacted), to teach it; nobody else does.
- Anyone may ask for an assessment (the public form). Referrals name people who are not
  clients yet: only staff read them (any team's staff while nobody has taken one, the
  team's own once it is passed to them); commissioners never see them.
- Commissioners see aggregated figures only; admins manage staff and providers; neither
  reads anyone's record.
- Public pages are for everyone; signed-in pages send anonymous visitors to sign in.
- Signing in: the second step (the code from the app) is only for someone between their
  password and that code, never for anyone fully signed in; setting it up is for anyone
  signed in; only clients and carers may turn it off (staff, commissioners and admins
  must keep it).

Columns (readers), for pages of one client's record (the demo client's):
  anon          nobody signed in
  client        the client, on their own record
  other         another client (on this client's record)
  c:plan …      a carer whom the client granted that one scope
  c:none        a carer of someone else, with no grant from this client
  staff         staff of the client's team
  staff:other   staff of another team
  comm, admin   a commissioner, an administrator
Y = allowed, . = refused (sign-in for anon, otherwise 403 or 404).
"""
from __future__ import annotations

READERS = ["anon", "client", "other", "c:plan", "c:goals", "c:reviews", "c:arrangement", "c:feedback",
           "c:messages", "c:none", "staff", "staff:other", "comm", "admin"]

TABLE = """
endpoint                      anon client other c:plan c:goals c:reviews c:arrangement c:feedback c:messages c:none staff staff:other comm admin
root                          Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
healthz                       Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
pages.home                    Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
pages.status                  Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
pages.crisis                  Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
pages.content_page            Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
pages.easy_read_page          Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
pages.site_map                Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
pages.search_page             Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
providers.directory           Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
providers.provider_page       Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
feedback.public_form          Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
feedback.thank_you            Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
feedback.share                Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
referrals.ask                 Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
referrals.asked               Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
chat.chat_page                Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
chat.chat_message             Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
chat.unanswered_questions     .    .      .     .      .       .         .             .          .          .      Y     Y           .    .
auth.sign_in                  Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
auth.signed_out               Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
auth.accept_invitation        Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
auth.forgotten_password       Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
auth.reset_link_sent          Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
auth.reset_password           Y    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
auth.two_factor_code          .    .      .     .      .       .         .             .          .          .      .     .           .    .
auth.account_home             .    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
auth.two_factor_setup         .    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
auth.two_factor_off           .    Y      Y     Y      Y       Y         Y             Y          Y          Y      .     .           .    .
auth.keep_alive               .    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
auth.kept_answers             .    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
auth.sign_out                 .    Y      Y     Y      Y       Y         Y             Y          Y          Y      Y     Y           Y    Y
chat.personal_answer          .    .      .     .      .       .         .             .          .          .      .     .           .    .
plans.people_i_support        .    Y      Y     Y      Y       Y         Y             Y          Y          Y      .     .           .    .
plans.accept_invitation       .    Y      Y     Y      Y       Y         Y             Y          Y          Y      .     .           .    .
plans.my_support              .    Y      .     Y      .       .         .             .          .          .      Y     .           .    .
plans.my_plan                 .    Y      .     Y      .       .         .             .          .          .      Y     .           .    .
plans.respond_to_plan         .    Y      .     .      .       .         .             .          .          .      .     .           .    .
plans.goals                   .    Y      .     .      Y       .         .             .          .          .      Y     .           .    .
plans.rate_goal               .    Y      .     .      Y       .         .             .          .          .      Y     .           .    .
plans.reviews                 .    Y      .     .      .       Y         .             .          .          .      Y     .           .    .
plans.ask_for_review          .    Y      .     .      .       Y         .             .          .          .      .     .           .    .
plans.review_urgency          .    Y      .     .      .       Y         .             .          .          .      .     .           .    .
choice.start                  .    Y      .     .      .       .         Y             .          .          .      .     .           .    .
choice.what                   .    Y      .     .      .       .         Y             .          .          .      .     .           .    .
choice.preferences            .    Y      .     .      .       .         Y             .          .          .      .     .           .    .
choice.contact                .    Y      .     .      .       .         Y             .          .          .      .     .           .    .
choice.check                  .    Y      .     .      .       .         Y             .          .          .      .     .           .    .
choice.track                  .    Y      .     .      .       .         Y             .          .          .      .     .           .    .
feedback.signed_in_form       .    Y      .     .      .       .         .             Y          .          .      .     .           .    .
plans.carers                  .    Y      .     .      .       .         .             .          .          .      .     .           .    .
plans.invite_carer            .    Y      .     .      .       .         .             .          .          .      .     .           .    .
plans.carer_scopes            .    Y      .     .      .       .         .             .          .          .      .     .           .    .
plans.stop_carer              .    Y      .     .      .       .         .             .          .          .      .     .           .    .
plans.who_has_looked          .    Y      .     .      .       .         .             .          .          .      .     .           .    .
plans.my_data_page            .    Y      .     .      .       .         .             .          .          .      .     .           .    .
plans.my_data_json            .    Y      .     .      .       .         .             .          .          .      .     .           .    .
staff.caseload                .    .      .     .      .       .         .             .          .          .      Y     Y           .    .
staff.review_requests_queue   .    .      .     .      .       .         .             .          .          .      Y     Y           .    .
staff.referral_queue          .    .      .     .      .       .         .             .          .          .      Y     Y           .    .
staff.referral_triage         .    .      .     .      .       .         .             .          .          .      Y     Y           .    .
staff.write_plan              .    .      .     .      .       .         .             .          .          .      Y     .           .    .
staff.reply_about_plan        .    .      .     .      .       .         .             .          .          .      Y     .           .    .
staff.plan_saved              .    .      .     .      .       .         .             .          .          .      Y     .           .    .
staff.schedule_review         .    .      .     .      .       .         .             .          .          .      Y     .           .    .
staff.record_review           .    .      .     .      .       .         .             .          .          .      Y     .           .    .
choice.queue                  .    .      .     .      .       .         .             .          .          .      Y     Y           .    .
choice.decide                 .    .      .     .      .       .         .             .          .          .      Y     .           .    .
feedback.alerts               .    .      .     .      .       .         .             .          .          .      Y     Y           .    .
feedback.review_text          .    .      .     .      .       .         .             .          .          .      Y     Y           .    .
staff.invite                  .    .      .     .      .       .         .             .          .          .      Y     Y           .    Y
providers.edit                .    .      .     .      .       .         .             .          .          .      Y     Y           .    Y
providers.new                 .    .      .     .      .       .         .             .          .          .      .     .           .    Y
insights.dashboard            .    .      .     .      .       .         .             .          .          .      .     .           Y    .
insights.download             .    .      .     .      .       .         .             .          .          .      .     .           Y    .
insights.download_spreadsheet .    .      .     .      .       .         .             .          .          .      .     .           Y    .
insights.definitions_page     .    .      .     .      .       .         .             .          .          .      .     .           Y    .
messages.conversations        .    Y      .     .      .       .         .             .          Y          .      Y     .           .    .
messages.new_conversation     .    Y      .     .      .       .         .             .          Y          .      .     .           .    .
messages.thread               .    Y      .     .      .       .         .             .          Y          .      Y     .           .    .
messages.newer                .    Y      .     .      .       .         .             .          Y          .      Y     .           .    .
messages.assign               .    .      .     .      .       .         .             .          .          .      Y     .           .    .
messages.close                .    .      .     .      .       .         .             .          .          .      Y     .           .    .
messages.team_inbox           .    .      .     .      .       .         .             .          .          .      Y     Y           .    .
"""

# What a page shows, by what the reader was granted (the page itself is open to them).
# (page, what) -> {reader: shown}; a carer reader lists every scope it holds.
SHOWN = {
    ("plans.my_support", "next review"): {"client": True, "staff": True, "c:plan": False, "c:plan+reviews": True},
    ("plans.my_support", "provider"): {"client": True, "staff": True, "c:plan": False, "c:plan+arrangement": True},
    ("plans.my_support", "goals"): {"client": True, "staff": True, "c:plan": False, "c:plan+goals": True},
    # The feedback form shows nothing of the record (opening it is not audited, so that
    # nothing can be lined up with the anonymous response): not even the provider's name.
    ("feedback.signed_in_form", "provider"): {"client": False, "c:feedback": False, "c:feedback+arrangement": False},
}


def parse(table: str = TABLE) -> dict[str, dict[str, bool]]:
    lines = [line.split() for line in table.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    assert header[1:] == READERS, header
    policy = {}
    for row in rows:
        assert len(row) == len(header), row
        assert row[0] not in policy, f"{row[0]} twice"
        policy[row[0]] = {reader: mark == "Y" for reader, mark in zip(READERS, row[1:], strict=True)}
    return policy
