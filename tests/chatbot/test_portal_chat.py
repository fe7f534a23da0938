"""The portal's chat page talking to the real Rasa server through its REST channel."""
import html as html_lib
import re


def test_level_question_is_answered_by_the_assistant_through_the_portal(app, client, rasa_server):
    app.config["RASA_URL"] = rasa_server
    app.config["RASA_TIMEOUT_SECONDS"] = 10
    html = client.post("/en/chat", data={"message": "what is level 1?"}).get_data(as_text=True)
    assert "12 months" in html and "24 months" in html
    assert "the assistant is not available" not in html


def test_crisis_message_gets_the_numbers_from_the_portal(app, client, rasa_server):
    app.config["RASA_URL"] = rasa_server
    html = client.post("/en/chat", data={"message": "I have taken an overdose"}).get_data(as_text=True)
    assert "116 123" in html and "85258" in html


def test_ordinary_question_with_the_word_crisis_is_not_a_crisis(app, client, rasa_server):
    app.config["RASA_URL"] = rasa_server
    app.config["RASA_TIMEOUT_SECONDS"] = 10
    html = client.post("/en/chat", data={"message": "what is crisis support in Level 1?"}).get_data(as_text=True)
    assert "If you need help now" not in html
    assert "12 months" in html


def test_the_page_language_reaches_the_assistant(app, client, rasa_server):
    app.config["RASA_URL"] = rasa_server
    app.config["RASA_TIMEOUT_SECONDS"] = 10
    html = client.post("/pl/chat", data={"message": "Czym jest Poziom 1?"}).get_data(as_text=True)
    assert "12 miesięcy" in html and "/pl/level-1-targeted-help" in html


def test_a_first_miss_offers_suggested_questions_as_buttons_that_work_without_javascript(app, client, rasa_server):
    app.config["RASA_URL"] = rasa_server
    app.config["RASA_TIMEOUT_SECONDS"] = 10
    html = client.post("/en/chat", data={"message": "?? ..."}).get_data(as_text=True)  # no words: a miss
    questions = re.findall(r'<button type="submit" name="message" value="([^"]+)"', html)
    assert len(questions) >= 2, html
    answer = client.post("/en/chat", data={"message": html_lib.unescape(questions[0])}).get_data(as_text=True)
    assert "Sorry, I did not understand" not in answer and "the assistant is not available" not in answer


def test_a_long_chat_goes_on_as_a_new_conversation_with_the_assistant(app, client, rasa_server):
    # Rasa re-reads the whole conversation for every message, so the portal bounds its length.
    app.config["RASA_URL"] = rasa_server
    app.config["RASA_TIMEOUT_SECONDS"] = 10
    app.config["CHAT_TURNS_PER_CONVERSATION"] = 2

    def reply(message):
        return client.post("/en/chat", data={"message": message}).get_data(as_text=True)

    first, second, third = reply("?? ..."), reply("?? ..."), reply("?? ...")
    assert "Sorry, I still did not understand" not in first
    assert "Sorry, I still did not understand" in second  # a second miss in the same conversation
    assert "Sorry, I still did not understand" not in third  # a new conversation: a first miss again
    assert "12 months" in reply("what is level 1?")
