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
    data, tests, blind = tmp_path / "nlu", tmp_path / "heldout", tmp_path / "blind"
    shutil.copytree(CHATBOT / "data" / "nlu", data)
    shutil.copytree(CHATBOT / "tests" / "nlu", tests)
    shutil.copytree(CHATBOT / "tests" / "nlu-blind", blind)
    held_out = yaml.safe_load((tests / "en.yml").read_text())["nlu"][0]["examples"].splitlines()[0][2:]
    blind_question = yaml.safe_load((blind / "so.yml").read_text())["nlu"][3]["examples"].splitlines()[0][2:]
    reviewed = tmp_path / "reviewed.yml"
    reviewed.write_text("# staff notes stay\n" + yaml.safe_dump({"examples": [
        {"language": "en", "intent": "ask_level1", "text": "brief help after a hospital stay what is that one"},
        {"language": "pl", "intent": "ask_money", "text": "ile bede placic co miesiac za pomoc w domu"},
        {"language": "en", "intent": "ask_weather", "text": "is it sunny"},
        {"language": "de", "intent": "ask_money", "text": "was kostet das"},
        {"language": "en", "intent": "greet", "text": held_out},
        # An English held-out question given as a Polish example: held out in every language
        {"language": "pl", "intent": "greet", "text": held_out},
        # A blind question (chatbot/tests/nlu-blind/) is kept from training the same way
        {"language": "so", "intent": "ask_levels", "text": blind_question},
    ]}))
    learn = _learn_module()
    added, problems = learn.learn(reviewed, data, [tests, blind], ["en", "pl", "so"])
    assert added == 2 and len(problems) == 5
    english = {(text, intent) for text, intent in learn.read_examples(data / "en.yml")}
    assert ("brief help after a hospital stay what is that one", "ask_level1") in english
    assert ("ile bede placic co miesiac za pomoc w domu", "ask_money") in set(learn.read_examples(data / "pl.yml"))
    left = yaml.safe_load(reviewed.read_text())
    assert [e["text"] for e in left["examples"]] == ["is it sunny", "was kostet das", held_out, held_out, blind_question]
    assert reviewed.read_text().startswith("# staff notes stay")
    # Run again: nothing new to add, the refused ones still refused.
    assert learn.learn(reviewed, data, [tests, blind], ["en", "pl", "so"])[0] == 0
