"""The second layer: a classifier trained on the project's own risk examples.

Character n-grams (2–5, within words) and word unigrams and bigrams of the squeezed,
normalised text, into a logistic regression: robust to typos, spacing and scripts, small
and fast (trained in about a second when first needed; nothing is downloaded). The
examples are `training/<lang>.yml`, one list per label, and the assistant's ordinary
questions; a long message is read whole and sentence by sentence (`readings`), so a long
ordinary example is learnt both ways too. The held-out examples that judge it live with the
tests and are never read here.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from .normalise import normalise, squeeze

TRAINING_DIR = Path(__file__).resolve().parent / "training"
ASSISTANT_QUESTIONS = Path(__file__).resolve().parents[3] / "chatbot" / "data" / "nlu"
LABELS = ("none", "concern", "self", "others", "from_others")
HIGH_LABELS = ("self", "others", "from_others")


@dataclass(frozen=True)
class Example:
    language: str
    label: str
    text: str


def read_examples(folder: Path = TRAINING_DIR) -> list[Example]:
    examples = []
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        unknown = set(data) - set(LABELS)
        if unknown:
            raise ValueError(f"{path.name}: unknown labels {sorted(unknown)}")
        examples += [Example(path.stem, label, str(text)) for label in LABELS for text in data.get(label) or []]
    return examples


def assistant_questions(folder: Path = ASSISTANT_QUESTIONS) -> list[Example]:
    """The assistant's ordinary training questions (Rasa NLU YAML), as `none` examples."""
    examples = []
    for path in sorted(folder.glob("*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if item.get("intent") != "crisis":
                examples += [Example(path.stem, "none", line[2:].strip())
                             for line in str(item.get("examples", "")).splitlines() if line.startswith("- ")]
    return examples


HAN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])")


def features(text: str) -> str:
    """The text the classifier reads: normalised, squeezed, and Chinese characters spaced
    apart, so that words and word pairs are characters and character pairs there too (a
    whole unspaced sentence would otherwise be one "word", and its opening 我想 one signal)."""
    return HAN.sub(r" \1 ", squeeze(normalise(text))).strip()


# From this many words, a message is also read sentence by sentence.
LONG_MESSAGE_WORDS = 15
# Where a message's sentences end, in the portal's scripts (Arabic and Urdu full stops and
# question marks, Chinese full-width punctuation) and at line breaks.
_SENTENCE_END = re.compile(r"[.!?;\n\u061f\u06d4\u3002\uff01\uff1f\uff1b]+")


def sentences(text: str) -> list[str]:
    """The message's sentences of four words or more (Chinese: eight characters); shorter
    ones ("Abdi is brilliant") say too little to be read alone."""
    return [part.strip() for part in _SENTENCE_END.split(text)
            if len(part.split()) + len(HAN.findall(part)) // 2 >= 4]


def is_long(text: str) -> bool:
    """Long enough for one sentence to be lost in the rest: a short message of two
    sentences is read whole, as the classifier was trained. Chinese is written without
    spaces: two of its characters count as a word."""
    return len(text.split()) + len(HAN.findall(text)) // 2 >= LONG_MESSAGE_WORDS


def readings(text: str) -> list[str]:
    """What the classifier reads of a message: the whole, and each of its sentences on its
    own when it is long: one risky sentence in a long message about something ordinary
    ("can I move my review to the 14th? honestly I think I'd be better off dead. the 14th
    suits the bus") is diluted by the rest as a whole."""
    parts = sentences(text) if is_long(text) else []
    return [text, *parts] if len(parts) > 1 else [text]


def with_sentences(examples: list[Example]) -> list[Example]:
    """The examples, and each sentence of a long ordinary one as an ordinary example too: a
    long message is also read sentence by sentence (readings), and a sentence of a long
    ordinary question ("I'm cooking for my family tonight and only have rice. Can you give
    me a recipe?") was heard as risk on its own, never having been learnt as ordinary."""
    return examples + [Example(e.language, "none", part) for e in examples if e.label == "none"
                       for part in readings(e.text)[1:]]


def build_pipeline() -> Pipeline:
    return Pipeline([
        ("features", FeatureUnion([
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1)),
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                      token_pattern=r"(?u)\b\w+\b")),
        ])),
        # Balanced: the high-risk labels have fewer examples than ordinary questions, and
        # missing one of them costs far more than a false alarm.
        ("model", LogisticRegression(C=10.0, class_weight="balanced", max_iter=3000)),
    ])


class RiskClassifier:
    def __init__(self, examples: list[Example]):
        self.pipeline = build_pipeline()
        examples = with_sentences(examples)
        self.pipeline.fit([features(e.text) for e in examples], [e.label for e in examples])
        self._columns = list(self.pipeline.classes_)
        self._vectorizers = [vectorizer for _name, vectorizer in self.pipeline.named_steps["features"].transformer_list]
        self._model = self.pipeline.named_steps["model"]
        # probabilities() does the pipeline's arithmetic itself, for this configuration only.
        if not all(v.use_idf and v.sublinear_tf and v.norm == "l2" and not v.binary for v in self._vectorizers):
            raise ValueError("probabilities() assumes sublinear tf-idf, l2-normalised")
        if len(self._columns) < 3:
            raise ValueError("probabilities() assumes a multinomial model (three labels or more)")

    def probabilities(self, text: str) -> dict[str, float]:
        """What the pipeline's predict_proba gives, computed here: this runs on every chat
        message, one short text at a time, where sklearn's dispatch and its checks of the
        input (is it a data frame? finite?) cost twice the arithmetic. A test holds the
        figures equal to the pipeline's."""
        document = [features(text)]
        blocks = []
        for vectorizer in self._vectorizers:
            # The counts the vectoriser's tf-idf step would receive; then that step's sums.
            counts = CountVectorizer.transform(vectorizer, document).astype(np.float64)
            np.log(counts.data, out=counts.data)
            counts.data += 1.0
            counts.data *= vectorizer.idf_[counts.indices]
            length = np.sqrt(np.dot(counts.data, counts.data))
            if length > 0:
                counts.data /= length
            blocks.append(counts)
        scores = (sparse.hstack(blocks, format="csr") @ self._model.coef_.T).ravel() + self._model.intercept_
        exponentials = np.exp(scores - scores.max())
        row = exponentials / exponentials.sum()
        return {label: float(row[self._columns.index(label)]) if label in self._columns else 0.0 for label in LABELS}


_lock = threading.Lock()
_shared: list[RiskClassifier] = []


def shared() -> RiskClassifier:
    """The classifier for this process, trained once on first use (thread-safe)."""
    with _lock:
        if not _shared:
            _shared.append(RiskClassifier(read_examples() + assistant_questions()))
        return _shared[0]


def trained() -> bool:
    """Whether this process's classifier is ready (never waits for its training)."""
    return bool(_shared)


def warm_up() -> None:
    """Train it in the background now: training takes tens of seconds, and the first person
    whose writing is checked should not wait for it (their request waits on the lock only
    while training is still going)."""
    threading.Thread(target=shared, name="risk-classifier-warm-up", daemon=True).start()
