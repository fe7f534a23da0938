"""What people write in the demo: goals, notes, review notes, change summaries, decline reasons.

All of it is invented, in plain words, as a client or a worker might put it.
"""
from __future__ import annotations

from ..models import ReviewOutcome

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

# The change summary of the plan version each review outcome starts.
SUMMARY_FOR_OUTCOME = {
    ReviewOutcome.continue_level_1: "Annual review: a second Level 1 block agreed, aiming for discharge.",
    ReviewOutcome.move_to_level_2: "Annual review: moved to Level 2 ongoing care.",
    ReviewOutcome.continue_level_2: "Annual review: Level 2 support continues for another 12 months.",
    ReviewOutcome.discharge: "Support ended after review: planned discharge.",
}

DECLINE_REASONS = [
    ("The provider you asked for is not taking new clients at the moment. We have kept your current "
     "support and will ask them again in three months."),
    ("A direct payment needs someone to manage the money. We will talk about a nominated person or the "
     "Direct Payment Support Service at your review."),
    ("No framework provider covers your area for this level at present. We have kept your current "
     "arrangement and added your request to the waiting list."),
]
