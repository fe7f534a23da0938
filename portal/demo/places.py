"""The city's areas and teams, its streets, and the fictional framework providers."""
from __future__ import annotations

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

# Fictional framework providers (the tender's two lots are the two levels).
PROVIDERS = [
    {"slug": "northside-wellbeing-coop", "name": "Northside Wellbeing Co-operative (fictional)",
     "description": ("A members' co-operative offering practical help at home and in the community: "
                     "shopping, bills, letters, getting out and about. Fictional organisation for "
                     "demonstration only."),
     "levels": [1, 2], "languages": ["en"], "communities": ["Everyone"],
     "areas": ["North", "North East", "Central"], "accepting_new_clients": True, "typical_wait_weeks": 4,
     "phone": "0114 496 0101", "email": "hello@northside-wellbeing.example.org",
     "website": "https://northside-wellbeing.example.org"},
    {"slug": "al-noor-community-support", "name": "Al-Noor Community Support (fictional)",
     "description": ("Support workers who speak Arabic and Urdu, with women-only support on request. "
                     "Fictional organisation for demonstration only."),
     "levels": [1, 2], "languages": ["en", "ar", "ur"],
     "communities": ["Arab and Yemeni", "Pakistani and Kashmiri", "Muslim communities"],
     "areas": ["Central", "East", "North East"], "accepting_new_clients": True, "typical_wait_weeks": 6,
     "phone": "0114 496 0232", "email": "support@al-noor-community.example.org",
     "website": "https://al-noor-community.example.org"},
    {"slug": "most-roma-support", "name": "Most Roma and Central European Support (fictional)",
     "description": ("Short-term help to regain everyday skills, in Slovak, Romanian and Polish. "
                     "Fictional organisation for demonstration only."),
     "levels": [1], "languages": ["en", "sk", "ro", "pl"],
     "communities": ["Slovak and Czech Roma", "Romanian", "Polish"],
     "areas": ["East", "North East"], "accepting_new_clients": False, "typical_wait_weeks": 14,
     "phone": "0114 496 0345", "email": "contact@most-support.example.org",
     "website": "https://most-support.example.org"},
    {"slug": "peak-edge-independent-living", "name": "Peak Edge Independent Living (fictional)",
     "description": ("Ongoing support to live well at home, including supported accommodation. "
                     "Fictional organisation for demonstration only."),
     "levels": [1, 2], "languages": ["en"], "communities": ["Everyone", "Older adults"],
     "areas": ["South", "South West", "West"], "accepting_new_clients": True, "typical_wait_weeks": 3,
     "phone": "0114 496 0458", "email": "referrals@peak-edge.example.org",
     "website": "https://peak-edge.example.org"},
    {"slug": "golden-lotus-wellbeing", "name": "Golden Lotus Wellbeing Circle (fictional)",
     "description": ("Long-term support in Cantonese, Mandarin and English. "
                     "Fictional organisation for demonstration only."),
     "levels": [2], "languages": ["en", "zh"], "communities": ["Chinese communities", "Students and young adults"],
     "areas": ["Central", "West", "South West"], "accepting_new_clients": True, "typical_wait_weeks": 8,
     "phone": "0114 496 0567", "email": "hello@golden-lotus-circle.example.org",
     "website": "https://golden-lotus-circle.example.org"},
    {"slug": "xiddig-community-network", "name": "Xiddig Somali Community Network (fictional)",
     "description": ("Support in Somali and Arabic from workers who know the community. "
                     "Fictional organisation for demonstration only."),
     "levels": [1, 2], "languages": ["en", "so", "ar"], "communities": ["Somali", "East African"],
     "areas": ["North", "Central", "North East"], "accepting_new_clients": False, "typical_wait_weeks": 16,
     "phone": "0114 496 0689", "email": "info@xiddig-network.example.org",
     "website": "https://xiddig-network.example.org"},
]
PROVIDER_QUALITY = {  # small differences so the insight screens have something to show
    "northside-wellbeing-coop": 0.04, "al-noor-community-support": 0.07, "most-roma-support": 0.0,
    "peak-edge-independent-living": -0.06, "golden-lotus-wellbeing": 0.03, "xiddig-community-network": -0.02,
}
