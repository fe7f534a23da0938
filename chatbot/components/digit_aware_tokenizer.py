"""WhitespaceTokenizer that keeps numbers apart: "Level 1" is not "Level 2".

Rasa's CountVectorsFeaturizer replaces every stand-alone number with one token
(__NUMBER__), so "What is Level 1?" and "What is Level 2?" got the same features and the
model could not tell the two levels apart (or section 117 from any other number).
This tokenizer prefixes stand-alone numbers with "n" ("1" -> "n1", "117" -> "n117"),
which the featurizer leaves alone. Only the tokens change, never the message text, so
the crisis backstop still sees what the person typed.
"""

from __future__ import annotations

import re
from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

_NUMBER = re.compile(r"^[0-9]+$")


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class DigitAwareWhitespaceTokenizer(WhitespaceTokenizer):
    """WhitespaceTokenizer whose stand-alone numbers survive featurization."""

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            if _NUMBER.match(token.text):
                # The featurizer reads the lemma (use_lemma defaults to true).
                token.text = token.lemma = f"n{token.text}"
        return tokens
