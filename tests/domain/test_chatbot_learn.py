"""make chatbot-learn: staff's reviewed examples become training data, never a held-out
question (chatbot/bin/learn)."""
import importlib.machinery
import importlib.util
import shutil
from pathlib import Path

import yaml

CHATBOT = Path(__file__).resolve().parents[2] / "chatbot"


def _learn_module():
    loader = importlib.machinery.SourceFileLoader("chatbot_learn", str(CHATBOT / "bin" / "learn"))
    spec = importlib.util.spec_from_loader("chatbot_learn", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_reviewed_examples_are_added_and_bad_ones_refused_and_kept(tmp_path):
    data, tests = tmp_path / "nlu", tmp_path / "heldout"
    shutil.copytree(CHATBOT / "data" / "nlu", data)
    shutil.copytree(CHATBOT / "tests" / "nlu", tests)
    held_out = yaml.safe_load((tests / "en.yml").read_text())["nlu"][0]["examples"].splitlines()[0][2:]
    reviewed = tmp_path / "reviewed.yml"
    reviewed.write_text("# staff notes stay\n" + yaml.safe_dump({"examples": [
        {"language": "en", "intent": "ask_level1", "text": "brief help after a hospital stay what is that one"},
        {"language": "pl", "intent": "ask_money", "text": "ile mnie to bedzie kosztowac miesiecznie"},
        {"language": "en", "intent": "ask_weather", "text": "is it sunny"},
        {"language": "de", "intent": "ask_money", "text": "was kostet das"},
        {"language": "en", "intent": "greet", "text": held_out},
        # An English held-out question given as a Polish example: held out in every language
        {"language": "pl", "intent": "greet", "text": held_out},
    ]}))
    learn = _learn_module()
    added, problems = learn.learn(reviewed, data, tests, ["en", "pl"])
    assert added == 2 and len(problems) == 4
    english = {(text, intent) for text, intent in learn.read_examples(data / "en.yml")}
    assert ("brief help after a hospital stay what is that one", "ask_level1") in english
    assert ("ile mnie to bedzie kosztowac miesiecznie", "ask_money") in set(learn.read_examples(data / "pl.yml"))
    left = yaml.safe_load(reviewed.read_text())
    assert [e["text"] for e in left["examples"]] == ["is it sunny", "was kostet das", held_out, held_out]
    assert reviewed.read_text().startswith("# staff notes stay")
    # Run again: nothing new to add, the refused ones still refused.
    assert learn.learn(reviewed, data, tests, ["en", "pl"])[0] == 0
