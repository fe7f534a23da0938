"""Pattern backstop for crisis messages.

Runs last in the NLU pipeline (after the intent classifiers and the
FallbackClassifier). When a message matches any regular expression listed in
``content/crisis/patterns.yml`` the intent is forced to ``crisis`` with
confidence 1.0, whatever the model predicted, so the crisis rule always fires.

Patterns file format (shared with the portal, which runs the same check before
calling Rasa): a mapping ``language code -> list of Python regular
expressions``. Every language's patterns apply to every message. A message is
matched with ``re.IGNORECASE`` after the same normalisation as the portal's
(portal/domain/crisis.py): NFKC, case folding, zero-width and bidi control
characters (Unicode category Cf) removed, white space collapsed.

The patterns are read and compiled at training time and stored inside the
model, so a model always runs with the patterns it was trained and tested
with. ``make chatbot-model`` retrains when the patterns file changes (and
passes ``--force``, because Rasa's own training cache does not know about
this file).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.exceptions import RasaException
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
import rasa.shared.utils.io

logger = logging.getLogger(__name__)

CRISIS_INTENT = "crisis"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PATTERNS_FILE = REPO_ROOT / "content" / "crisis" / "patterns.yml"
_STORED_FILE = "crisis_patterns.json"


class CrisisPatternsError(RasaException):
    """The crisis patterns file is missing or invalid."""


def normalise(text: Text) -> Text:
    """Normalise a message the same way the portal does before matching."""
    text = unicodedata.normalize("NFKC", text).casefold()
    # Zero-width and bidi control characters must not hide a phrase from the patterns.
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return re.sub(r"\s+", " ", text).strip()


def load_patterns(path: Path) -> Dict[Text, List[Text]]:
    """Read and validate the patterns file. Raises CrisisPatternsError."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CrisisPatternsError(f"Crisis patterns file not found: {path}") from exc
    except yaml.YAMLError as exc:
        raise CrisisPatternsError(f"Crisis patterns file {path} is not YAML: {exc}")
    if not isinstance(raw, dict) or not raw:
        raise CrisisPatternsError(
            f"{path} must map language codes to lists of regular expressions."
        )
    patterns: Dict[Text, List[Text]] = {}
    for language, items in raw.items():
        if not isinstance(items, list) or not all(isinstance(p, str) for p in items):
            raise CrisisPatternsError(
                f"{path}: '{language}' must be a list of regular expressions (strings)."
            )
        for pattern in items:
            try:
                re.compile(pattern, re.IGNORECASE)
            except re.error as exc:
                raise CrisisPatternsError(
                    f"{path}: invalid regular expression for '{language}': "
                    f"{pattern!r} ({exc})"
                ) from exc
        patterns[str(language)] = list(items)
    if not any(patterns.values()):
        raise CrisisPatternsError(f"{path} lists no patterns.")
    return patterns


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True
)
class CrisisBackstop(GraphComponent):
    """Forces intent `crisis` when a message matches a crisis pattern."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # `patterns_file`: None means <repo root>/content/crisis/patterns.yml;
        # a relative path is taken relative to the repo root.
        return {"patterns_file": None}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        patterns: Optional[Dict[Text, List[Text]]] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._set_patterns(patterns or {})

    def _set_patterns(self, patterns: Dict[Text, List[Text]]) -> None:
        self._patterns = patterns
        self._compiled: List[Tuple[Text, int, re.Pattern]] = [
            (language, index, re.compile(pattern, re.IGNORECASE))
            for language, items in patterns.items()
            for index, pattern in enumerate(items)
        ]

    def _patterns_path(self) -> Path:
        configured = self._config.get("patterns_file")
        if not configured:
            return DEFAULT_PATTERNS_FILE
        path = Path(configured)
        return path if path.is_absolute() else REPO_ROOT / path

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CrisisBackstop":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        path = self._patterns_path()
        patterns = load_patterns(path)
        self._set_patterns(patterns)
        self._warn_about_training_examples(training_data)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        with self._model_storage.write_to(self._resource) as model_dir:
            (model_dir / _STORED_FILE).write_text(
                json.dumps({"sha256": digest, "patterns": patterns}, ensure_ascii=False),
                encoding="utf-8",
            )
        logger.info(
            "Crisis backstop: %d patterns from %s (sha256 %s).",
            len(self._compiled),
            path,
            digest[:12],
        )
        return self._resource

    def _warn_about_training_examples(self, training_data: TrainingData) -> None:
        """Warn when a non-crisis training example would be forced to crisis."""
        for example in training_data.intent_examples:
            intent, text = example.get(INTENT), example.get(TEXT)
            if intent != CRISIS_INTENT and text and self.match(text):
                rasa.shared.utils.io.raise_warning(
                    f"Training example {text!r} of intent '{intent}' matches a "
                    f"crisis pattern and will always be answered as a crisis."
                )

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "CrisisBackstop":
        try:
            with model_storage.read_from(resource) as model_dir:
                stored = json.loads((model_dir / _STORED_FILE).read_text("utf-8"))
        except (ValueError, OSError) as exc:
            # Never run without the backstop: refuse to load the model.
            raise CrisisPatternsError(
                "The model has no crisis patterns; retrain it (make chatbot-model)."
            ) from exc
        return cls(config, model_storage, resource, stored["patterns"])

    def match(self, text: Text) -> Optional[Tuple[Text, int]]:
        """Return (language, pattern index) of the first matching pattern."""
        normalised = normalise(text)
        for language, index, regex in self._compiled:
            if regex.search(normalised):
                return language, index
        return None

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            hit = self.match(text)
            if hit is None:
                continue
            # Log which pattern fired, never the message (personal data).
            logger.debug("Crisis backstop: pattern %s[%d] matched.", *hit)
            forced = {"name": CRISIS_INTENT, "confidence": 1.0}
            ranking = [
                entry
                for entry in message.get(INTENT_RANKING_KEY) or []
                if entry.get("name") != CRISIS_INTENT
            ]
            message.set(INTENT, forced, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [forced, *ranking], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
