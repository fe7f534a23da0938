"""The portal's own crisis check, which runs before (and without) the assistant.

The patterns (content/crisis/patterns.yml) cover every portal language, and every
language's patterns apply to every message. For each language: risk messages must match,
and ordinary questions must not — including ones with that language's word for "crisis"
(people ask what crisis support in Level 1 is) and harmless uses of "die".
"""
import re

import pytest
import yaml

from portal.domain.crisis import PATTERNS_FILE, suggests_risk

PORTAL_LANGUAGES = ["en", "ar", "zh", "ur", "sk", "pl", "ro", "so"]

RISK = {
    "en": [
        "I want to kill myself",
        "i've taken too many pills",
        "I took an overdose last night",
        "I just want to end it all",
        "I keep self-harming",
        "I don't want to live any more",
        "everyone would be better off without me",
        "my partner is hurting me",
        "I want to take my own life",
        "my husband hits me",
        "he threatened to kill me",
        "I swallowed a whole packet of paracetamol",
        "I WANT TO KILL MYSELF",
        "I want to k\u200bill myself",  # a zero-width space does not hide it
        "Ｉ want to kill myself",  # full-width letters are folded (NFKC)
    ],
    "ar": [
        "أريد أن أقتل نفسي",
        "اريد ان اموت",
        "أفكر في الانتحار",
        "سأنتحر الليلة",
        "أخذت جرعة زائدة من الدواء",
        "بلعت كل الحبوب",
        "أؤذي نفسي كل يوم",
        "جرحت نفسي",
        "زوجي يضربني",
        "أتعرض للعنف في البيت",
        "لا أريد أن أعيش بعد الآن",
        "بدي موت",
        "أريد أن أنهي حياتي",
        "أخي يهددني بالقتل",
        "سأقتله",
    ],
    "zh": [
        "我想自杀",
        "我想死",
        "我不想活了",
        "我吃了一整瓶安眠药",
        "我服药过量了",
        "我一直在自残",
        "我想伤害自己",
        "我丈夫打我",
        "我老公经常打我",
        "我被家暴了",
        "我想结束自己的生命",
        "我想杀了他",
        "我想自殺",  # traditional characters
        "我活不下去了",
        "有人要杀我",
    ],
    "ur": [
        "میں خودکشی کرنا چاہتا ہوں",
        "میں خود کشی کے بارے میں سوچ رہی ہوں",
        "میں مرنا چاہتا ہوں",
        "میں جینا نہیں چاہتی",
        "میں خود کو مار دوں گا",
        "میں نے بہت ساری گولیاں کھا لیں",
        "میں خود کو نقصان پہنچاتی ہوں",
        "میرا شوہر مجھے مارتا ہے",
        "وہ مجھے جان سے مارنے کی دھمکی دیتا ہے",
        "میں اپنی جان لے لوں گا",
        "میں اسے مار ڈالوں گا",
        "main khudkushi karna chahta hoon",  # Roman Urdu
        "mujhe marta hai mera shohar",
        "میں خودكشی کرنا چاہتا ہوں",  # Arabic kaf typed on an Arabic keyboard
    ],
    "sk": [
        "chcem sa zabiť",
        "chcem sa zabit",  # no diacritics
        "rozmýšľam o samovražde",
        "chcem zomrieť",
        "nechcem už žiť",
        "predávkoval som sa liekmi",
        "zobral som všetky tabletky",
        "režem sa",
        "chcem si ublížiť",
        "manžel ma bije",
        "som týraná doma",
        "chcem niekomu ublížiť",
        "zabijem ho",
    ],
    "pl": [
        "chcę się zabić",
        "chce sie zabic",  # no diacritics
        "myślę o samobójstwie",
        "chcę umrzeć",
        "nie chcę już żyć",
        "nie chce mi się żyć",
        "przedawkowałam leki",
        "wzięłam wszystkie tabletki",
        "tnę się",
        "samookaleczam się",
        "mąż mnie bije",
        "on się nade mną znęca",
        "partner znęca się nade mną",
        "chcę kogoś skrzywdzić",
        "zabiję go",
    ],
    "ro": [
        "vreau să mă sinucid",
        "vreau sa ma sinucid",  # no diacritics
        "vreau să mor",
        "nu mai vreau să trăiesc",
        "am luat o supradoză",
        "am luat prea multe pastile",
        "mă tai pe mâini",
        "vreau să-mi iau viața",
        "soțul mă bate",
        "mă lovește în fiecare zi",
        "sunt abuzată acasă",
        "vreau să-l omor",
        "vreau să mă omor",
        "mă automutilez",
        "ma loveste",  # no diacritics
    ],
    "so": [
        "waxaan rabaa inaan is dilo",
        "waxaan ka fikirayaa isdilid",
        "waxaan rabaa inaan dhinto",
        "ma rabo inaan noolaado",
        "waxaan qaatay kiniin aad u badan",
        "daawo xad-dhaaf ah ayaan qaatay",
        "waan is dhaawacaa",
        "ninkaygu wuu i garaacaa",
        "waa la i garaacay",
        "wuu i dilayaa",
        "waxaan rabaa inaan qof dilo",
        "naftayda ka qaado",
    ],
}

ORDINARY = {
    "en": [
        "what is crisis support in Level 1?",
        "How long does Level 1 last?",
        "Can I change my provider?",
        "My cat died and I miss her",  # sadness is not, on its own, a crisis pattern
        "I'm dying to know how direct payments work",
        "What happens if my support ends?",
        "is direct payment better?",
        "beats me, how do reviews work?",
        "",
    ],
    "ar": [
        "ما هو دعم الأزمات في المستوى 1؟",
        "أنا في أزمة مالية، كيف أدفع المساهمة؟",
        "كم يستمر المستوى 1؟",
        "ما هي المدفوعات المباشرة؟",
        "مات قطي وأنا حزين",
        "هل يمكنني تغيير مقدم الخدمة؟",
        "ما هي خدمات الصحة النفسية؟",
        "أريد أن أعرف عن خطة الدعم",
    ],
    "zh": [
        "第1级的危机支持是什么？",
        "危机帮助在哪里？",
        "第1级持续多久？",
        "我的猫死了，我很难过",
        "笑死我了",
        "我想死你了",
        "怎样减轻生活压力？",
        "年轻生活很忙",
        "可以打我电话吗？",
        "什么是直接付款？",
    ],
    "ur": [
        "لیول 1 میں بحران کی مدد کیا ہے؟",
        "بحران میں مدد کیسے ملتی ہے؟",
        "لیول 1 کتنے عرصے تک رہتا ہے؟",
        "میری بلی مر گئی",
        "کیا میں اپنا فراہم کنندہ بدل سکتا ہوں؟",
        "براہ راست ادائیگی کیا ہے؟",
        "main apna provider badalna chahta hoon",
        "میں اس گھر میں نہیں رہنا چاہتا، کیا میں منتقل ہو سکتا ہوں؟",  # housing, not a crisis
    ],
    "sk": [
        "Čo je krízová podpora na úrovni 1?",
        "som v kríze s peniazmi, koľko zaplatím?",
        "Ako dlho trvá úroveň 1?",
        "môj pes zomrel minulý rok",
        "Môžem si zmeniť poskytovateľa?",
        "čo sú priame platby?",
        "chcem sa opýtať na hodnotenie",
        "nechcem byť na úrovni 2",
    ],
    "pl": [
        "Czym jest wsparcie kryzysowe na Poziomie 1?",
        "jestem w kryzysie finansowym, ile zapłacę?",
        "Jak długo trwa Poziom 1?",
        "mój kot umarł w zeszłym roku",
        "Czy mogę zmienić dostawcę?",
        "czym są płatności bezpośrednie?",
        "chcę zmienić plan wsparcia",
    ],
    "ro": [
        "Ce este sprijinul în criză la Nivelul 1?",
        "sunt în criză financiară, cât plătesc?",
        "Cât durează Nivelul 1?",
        "a murit pisica mea",
        "mă omor după ciocolată",
        "mă bate gândul să schimb furnizorul",
        "Pot să schimb furnizorul?",
        "ce sunt plățile directe?",
    ],
    "so": [
        "Waa maxay taageerada xiisadda ee Heerka 1?",
        "dhibaato ayaan qabaa, sidee caawimo u helaa?",
        "Heerka 1 intee ayuu socdaa?",
        "bisaddaydii way dhimatay",
        "ma beddeli karaa bixiyaha?",
        "waa maxay lacag-bixinta tooska ah?",
        "waxaan rabaa inaan is diiwaangeliyo",
    ],
}


def test_every_portal_language_has_patterns():
    data = yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8"))
    assert sorted(data) == sorted(PORTAL_LANGUAGES)
    for language, patterns in data.items():
        assert patterns, language
        for pattern in patterns:
            re.compile(pattern, re.IGNORECASE)


def test_the_word_crisis_alone_is_never_a_pattern():
    data = yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8"))
    crisis_words = ["crisis", "أزمة", "أزمات", "危机", "危機", "بحران", "kríza", "kríz", "kryzys",
                    "criză", "criza", "xiisad", "dhibaato"]
    for word in crisis_words:
        assert not suggests_risk(word), word
        assert not suggests_risk(f"{word} {word}"), word
    assert all(word not in p for ps in data.values() for p in ps for word in crisis_words)


@pytest.mark.parametrize("language", PORTAL_LANGUAGES)
def test_tests_cover_every_language(language):
    assert len(RISK[language]) >= 5 and len(ORDINARY[language]) >= 5


@pytest.mark.parametrize(
    "message", [pytest.param(m, id=f"{lang}-{i}") for lang, ms in RISK.items() for i, m in enumerate(ms)]
)
def test_messages_suggesting_risk_are_caught(message):
    assert suggests_risk(message)


@pytest.mark.parametrize(
    "message", [pytest.param(m, id=f"{lang}-{i}") for lang, ms in ORDINARY.items() for i, m in enumerate(ms)]
)
def test_ordinary_questions_are_not_crisis(message):
    assert not suggests_risk(message)


def _examples(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in data["nlu"]:
        for line in item["examples"].splitlines():
            if line.startswith("- "):
                yield item["intent"], line[2:].strip()


def test_no_ordinary_assistant_example_looks_like_a_crisis():
    """The assistant's training and held-out questions, in every language, are ordinary
    questions: none may trip a pattern (the pattern would win over the model)."""
    chatbot = PATTERNS_FILE.parents[2] / "chatbot"
    files = sorted((chatbot / "data" / "nlu").glob("*.yml")) + sorted((chatbot / "tests" / "nlu").glob("*.yml"))
    assert len(files) == 2 * len(PORTAL_LANGUAGES)
    tripped = [(f.name, intent, text) for f in files for intent, text in _examples(f)
               if intent != "crisis" and suggests_risk(text)]
    assert tripped == []


def test_arabic_script_controls_do_not_hide_a_phrase():
    # Zero-width non-joiner and right-to-left marks are removed before matching.
    assert suggests_risk("أريد أن\u200f أقتل\u200c نفسي")
    assert suggests_risk("میں خود\u200cکشی کرنا چاہتا ہوں")
