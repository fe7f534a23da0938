"""The assistant's second way to find an answer: search the content's answer blocks.

When the intent model is unsure (the assistant sends its "rephrase" or "handoff" reply with
a `miss` marker), the portal searches the answer blocks of `content/<lang>/` — the same
`## Title {#id}` sections the assistant's answers are built from — in the message's
language, and answers from the best block when it scores above `THRESHOLD`, with its link.

Each block is found by its own words (title and text) and by the questions it answers: the
assistant's training examples of the topic whose answer starts with that block
(`chatbot/answers/topics.yml`, `chatbot/data/nlu/<lang>.yml`, read as data). Features are
TF-IDF over words (and word pairs) plus character n-grams within words, of the normalised
text (the risk detector's normalisation: case, diacritics, Arabic-script letter forms,
digits), so typos, missing spaces and Chinese (no spaces) still match; similarity is the
cosine. Built once per language when first needed, in well under a second; nothing is
downloaded. Blocks holding configuration placeholders (the crisis numbers) are never
answers here: crisis help comes from the risk detector.

`python -m portal.domain.answer_search --evaluate predictions.json` measures the intent
model alone against the intent model with this search on the assistant's held-out questions
(`chatbot/bin/nlu-gate --predictions predictions.json` writes that file).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from .. import content
from .risk.normalise import normalise

CHATBOT = Path(__file__).resolve().parents[2] / "chatbot"
TOPICS = CHATBOT / "answers" / "topics.yml"
PHRASES = CHATBOT / "answers" / "phrases.yml"
QUESTIONS = CHATBOT / "data" / "nlu"
# Below this cosine the best block is not trusted and the assistant's own reply (rephrase,
# with suggested topics) stands. With --evaluate on the held-out questions 0.3-0.4 answer the
# same share right (0.943, December 2026); within that, 0.37 sits between the best score of a
# question no block answers (weather in Urdu, 0.35) and the lowest of a right answer to a
# question in new words (money in Romanian, 0.39) of tests/domain/test_answer_search.py.
THRESHOLD = 0.37
WRITTEN_WITHOUT_SPACES = {"zh"}
MAX_ANSWER_CHARS = 650  # about one phone screen, as the assistant's own answers
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


@dataclass(frozen=True)
class Match:
    page: str
    block_id: str
    title: str
    text: str  # plain text of the block (links keep their words)
    score: float


def _plain(markdown: str) -> str:
    text = _LINK.sub(r"\1", markdown)
    text = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m[1] or m[2], text).replace("`", "")
    lines = [("• " + line[2:].strip()) if line.startswith(("- ", "* ")) else line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _training_questions(lang: str) -> dict[tuple[str, str] | None, list[str]]:
    """(page, first block) -> the assistant's training questions for that topic in `lang`;
    None -> those no block answers (greetings, thanks, out of scope, asking for a person,
    personal questions), so that such a message finds "no block" rather than the block that
    happens to share its small words."""
    topics = yaml.safe_load(TOPICS.read_text(encoding="utf-8"))["topics"]
    first_block = {}
    for topic in topics:
        if topic.get("blocks"):
            page, _, block = topic["blocks"][0].rpartition("#")
            first_block[topic["intent"]] = (page or topic["page"], block)
    path = QUESTIONS / f"{lang}.yml"
    questions: dict[tuple[str, str] | None, list[str]] = defaultdict(list)
    if not path.is_file():
        return questions
    for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
        if item.get("intent") == "crisis":
            continue  # the risk detector's, never an answer block's
        key = first_block.get(item.get("intent"))
        for line in str(item.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                questions[key].append(line[2:].strip())
    return questions


class _Index:
    def __init__(self, lang: str):
        blocks: list[tuple[str, content.AnswerBlock]] = []
        for slug in content.page_slugs(lang):
            page = content.load_page(lang, slug)
            if page is None:
                continue
            blocks += [(slug, block) for block in page.blocks() if "{{" not in block.markdown]
        self.blocks = blocks
        where: dict[tuple[str, str], int] = {(slug, block.id): n for n, (slug, block) in enumerate(blocks)}
        documents: list[str] = []
        owners: list[int | None] = []
        for n, (_slug, block) in enumerate(blocks):
            documents.append(f"{block.title}\n{block.title}\n{_plain(block.markdown)}")
            owners.append(n)
        for key, questions in _training_questions(lang).items():
            if key is None or key in where:
                documents += questions
                owners += [None if key is None else where[key]] * len(questions)
        self.owners = owners
        self.vectoriser = FeatureUnion([
            # Chinese has no spaces between words: a sentence would be one "word", so pairs
            # and triples of characters stand in for its words.
            ("words", TfidfVectorizer(preprocessor=normalise, analyzer="char", ngram_range=(2, 3), sublinear_tf=True)
             if lang in WRITTEN_WITHOUT_SPACES else
             TfidfVectorizer(preprocessor=normalise, ngram_range=(1, 2), sublinear_tf=True)),
            ("chars", TfidfVectorizer(preprocessor=normalise, analyzer="char_wb", ngram_range=(1, 4),
                                      sublinear_tf=True)),
        ])
        self.matrix = self.vectoriser.fit_transform(documents) if documents else None

    def search(self, text: str) -> Match | None:
        if self.matrix is None or not text.strip():
            return None
        # Each half of the union is unit length: the dot product / 2 is the mean cosine.
        scores = (self.matrix @ self.vectoriser.transform([text]).T).toarray().ravel() / 2
        best = int(scores.argmax())
        if self.owners[best] is None:
            return None
        slug, block = self.blocks[self.owners[best]]
        return Match(slug, block.id, block.title, _plain(block.markdown), float(scores[best]))


_indexes: dict[str, _Index] = {}
_lock = threading.Lock()


def _index(lang: str) -> _Index:
    with _lock:
        if lang not in _indexes:
            _indexes[lang] = _Index(lang)
        return _indexes[lang]


def best_block(text: str, lang: str) -> Match | None:
    """The best answer block of content/<lang>/ for `text`, whatever its score; None when
    the nearest text is a question no block answers."""
    return _index(lang).search(text)


def search(text: str, lang: str, threshold: float = THRESHOLD) -> Match | None:
    """The answer block for `text` in `lang` when one scores `threshold` or more, else None."""
    match = best_block(text, lang)
    return match if match is not None and match.score >= threshold else None


def _read_more(lang: str) -> str:
    phrases = yaml.safe_load(PHRASES.read_text(encoding="utf-8"))
    return str((phrases.get(lang) or phrases["en"])["read_more"])


def answer_text(match: Match, lang: str) -> str:
    """The reply: the block's title and text (cut at a paragraph to fit a phone screen),
    then the link to its page, as the assistant's own answers end."""
    text = f"{match.title}\n\n{match.text}"
    if len(text) > MAX_ANSWER_CHARS:
        paragraphs, kept = text.split("\n\n"), []
        for paragraph in paragraphs:
            if kept and len("\n\n".join([*kept, paragraph])) > MAX_ANSWER_CHARS:
                break
            kept.append(paragraph)
        text = "\n\n".join(kept)
    label = _read_more(lang)
    space = "" if label.endswith("：") else " "
    return f"{text}\n\n{label}{space}/{lang}/{match.page}"


# -- measurement -------------------------------------------------------------------------

FALLBACK = "nlu_fallback"


def _topic_blocks() -> dict[str, set[tuple[str, str]]]:
    """intent -> the blocks its answer is made of (any of them is a right answer)."""
    result = {}
    for topic in yaml.safe_load(TOPICS.read_text(encoding="utf-8"))["topics"]:
        blocks = set()
        for ref in topic.get("blocks") or []:
            page, _, block = ref.rpartition("#")
            blocks.add((page or topic["page"], block))
        result[topic["intent"]] = blocks
    return result


def _right(found: Match | None, threshold: float, wanted: set[tuple[str, str]]) -> bool:
    hit = found if found is not None and found.score >= threshold else None
    return ((hit.page, hit.block_id) in wanted) if hit else not wanted


def scores(predictions: list[dict], thresholds: list[float], intent_thresholds: list[float]) -> dict[str, Counter]:
    """Per language, how many held-out questions are answered right by: the intent model as
    trained (its own fallback threshold), "intent"; the search alone, "search"; and the
    intent model trusted above each intent threshold i, the search below it, at each search
    threshold t, (i, t). Right: the expected intent; from the search, a block of the
    expected topic's answer, or (for a question no block answers: greetings, out of scope,
    personal questions, crisis) no block, so the assistant asks to rephrase. "n" counts."""
    topic_blocks = _topic_blocks()
    result = {}
    for lang in sorted({p["lang"] for p in predictions}, key=lambda code: (code != "en", code)):
        rows = [p for p in predictions if p["lang"] == lang]
        score: Counter = Counter()
        for p in rows:
            wanted = topic_blocks.get(p["expected"], set())
            found = best_block(p["text"], lang)
            score["intent"] += p["intent"] == p["expected"]
            score["search"] += _right(found, min(thresholds), wanted)
            for i in intent_thresholds:
                for t in thresholds:
                    if p["confidence"] >= i and p["intent"] != FALLBACK:
                        score[(i, t)] += p["best"] == p["expected"]
                    else:
                        score[(i, t)] += _right(found, t, wanted)
        score["n"] = len(rows)
        result[lang] = score
    return result


def answered_right(predictions: list[dict], intent_threshold: float, threshold: float = THRESHOLD) -> dict[str, float]:
    """Per language, the share answered right as the assistant answers: the intent model
    when it is sure, otherwise the search."""
    return {lang: score[(intent_threshold, threshold)] / score["n"]
            for lang, score in scores(predictions, [threshold], [intent_threshold]).items()}


def evaluate(predictions: list[dict], thresholds: list[float], intent_thresholds: list[float]) -> str:
    """scores() as a table, one row per language and one for all."""
    combos = [(i, t) for i in intent_thresholds for t in thresholds]
    header = [f"{'lang':<5}", f"{'n':>4}", f"{'intent':>7}", f"{'search':>7}"]
    header += [f"{f'i{i}+s{t}':>10}" for i, t in combos]
    lines = [" ".join(header)]
    totals: Counter = Counter()
    for lang, score in scores(predictions, thresholds, intent_thresholds).items():
        totals.update(score)
        lines.append(_row(lang, score, combos))
    lines.append(_row("all", totals, combos))
    return "\n".join(lines)


def _row(name: str, score: Counter, combos: list) -> str:
    n = score["n"]
    cells = [f"{name:<5}", f"{n:>4}", f"{score['intent'] / n:>7.3f}", f"{score['search'] / n:>7.3f}"]
    return " ".join(cells + [f"{score[c] / n:>10.3f}" for c in combos])


def main() -> int:
    parser = argparse.ArgumentParser(description="Measure the intent model with and without the answer search")
    parser.add_argument("--evaluate", type=Path, required=True, help="predictions written by chatbot/bin/nlu-gate")
    parser.add_argument("--thresholds", default="0.2,0.3,0.4", help="search thresholds")
    parser.add_argument("--intent-thresholds", default="0.4,0.55,0.7")
    args = parser.parse_args()
    predictions = json.loads(args.evaluate.read_text(encoding="utf-8"))
    print(evaluate(predictions, [float(t) for t in args.thresholds.split(",")],
                   [float(t) for t in args.intent_thresholds.split(",")]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
