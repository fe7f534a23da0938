"""The people of the city: heritages with their names and languages, and drawing a person.

Weights are rough shares of the city's clients; a heritage's areas weight where its people live.
"""
from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from .. import i18n
from .draws import weighted


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

# Preferred languages in the demo: the portal's own languages, in the portal's order.
LANGUAGES = list(i18n.LANGUAGES)
RELATIONSHIPS = ["mother", "father", "daughter", "son", "sister", "brother", "partner", "wife", "husband",
                 "friend", "neighbour", "aunt", "cousin"]


def draw_person(rng: random.Random, heritage: Heritage | None = None, *, female: bool | None = None,
                family: str | None = None) -> tuple[str, str, Heritage, bool]:
    """A given and family name, drawn by heritage (a surname takes its female form if it has one)."""
    heritage = heritage or rng.choices(HERITAGES, weights=[h.weight for h in HERITAGES])[0]
    female = rng.random() < 0.52 if female is None else female
    given = rng.choice(heritage.female if female else heritage.male)
    if family is None:
        index = rng.randrange(len(heritage.family))
        family = (heritage.family_female or heritage.family)[index] if female else heritage.family[index]
    return given, family, heritage, female


def language_for(rng: random.Random, heritage: Heritage) -> str:
    return heritage.language if rng.random() < heritage.p_language else "en"


def religion(rng: random.Random) -> str:
    weights = {"no_religion": 45, "christian": 35, "muslim": 5, "buddhist": 3, "hindu": 2, "sikh": 2,
               "jewish": 1, "other": 7}
    return weighted(rng, weights)


def age_band(age: int) -> str:
    for top, band in ((24, "age_18_24"), (34, "age_25_34"), (44, "age_35_44"), (54, "age_45_54"),
                      (64, "age_55_64"), (74, "age_65_74")):
        if age <= top:
            return band
    return "age_75_plus"


def ascii_name(name: str) -> str:
    """A name as lower-case ASCII for an email address."""
    name = name.replace("ł", "l").replace("Ł", "L")
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum() or c in ".-")
