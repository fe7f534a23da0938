"""Turns the page language sent in message metadata into a `language` entity.

The portal posts ``{"sender", "message", "metadata": {"language": "<code>"}}`` to
the REST channel. Rasa 3.6 passes that metadata to the NLU pipeline (on the
``metadata`` key of the NLU message) but has no slot mapping that reads it. This
component adds an entity ``language`` with the code, so the ordinary
``from_entity`` slot mapping (run by ``action_extract_slots`` after every user
message) fills the ``language`` slot from the *latest* message, on every turn,
without a round trip to the action server. The replies then pick their
translation with conditional response variations on that slot.

Unknown or missing codes add nothing: the slot keeps its value (English when never
set). The intent is not touched.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.languages import portal_languages

LANGUAGE_ENTITY = "language"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class LanguageFromMetadata(GraphComponent):
    """Adds entity `language` from `metadata.language` of the user message."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "languages": portal_languages(),
            "metadata_key": "language",
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        config = {**self.get_default_config(), **config}
        self._languages = {str(code).lower() for code in config["languages"]}
        self._key = config["metadata_key"]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageFromMetadata":
        return cls(config)

    def language_of(self, message: Message) -> Optional[Text]:
        metadata = message.get("metadata")
        if not isinstance(metadata, dict):
            return None
        code = metadata.get(self._key)
        if not isinstance(code, str):
            return None
        # "pl-PL" -> "pl"; anything not offered by the portal is ignored.
        code = code.strip().lower().split("-")[0].split("_")[0]
        return code if code in self._languages else None

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            code = self.language_of(message)
            if code is None:
                continue
            entities = [
                e for e in message.get(ENTITIES, []) if e.get(ENTITY_ATTRIBUTE_TYPE) != LANGUAGE_ENTITY
            ]
            entities.append(
                {
                    ENTITY_ATTRIBUTE_TYPE: LANGUAGE_ENTITY,
                    ENTITY_ATTRIBUTE_VALUE: code,
                    ENTITY_ATTRIBUTE_START: 0,
                    ENTITY_ATTRIBUTE_END: 0,
                    ENTITY_ATTRIBUTE_CONFIDENCE: 1.0,
                    EXTRACTOR: self.__class__.__name__,
                }
            )
            message.set(ENTITIES, entities, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
