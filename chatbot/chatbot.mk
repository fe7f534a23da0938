# Rasa assistant targets. Included by the top-level Makefile, which defines
# CACHE_DIR and PYTHON310 first; paths are relative to the repository root.
#
#   make chatbot-venv    Python 3.10 venv for rasa (cached in $(CACHE_DIR), linked at chatbot/.venv)
#   make chatbot-model   train chatbot/models/current.tar.gz if its inputs changed
#   make chatbot-serve   run Rasa (:5005) and the action server (:5055) on 127.0.0.1
#   make chatbot-validate  rasa data validate
#   make chatbot-gate    NLU quality gate on the held-out examples (bin/nlu-gate)
#   make chatbot-learn   add staff's reviewed examples (chatbot/learn/reviewed.yml) to the training data, retrain
#   chatbot/bin/build-responses  regenerate the replies from content/ (bin/train runs it)

CACHE_DIR ?= $(HOME)/.cache/mhisf
PYTHON310 ?= python3.10

CHATBOT_DIR  := chatbot
CHATBOT_VENV := chatbot/.venv
CHATBOT_MODEL := chatbot/models/current.tar.gz

.PHONY: chatbot-venv chatbot-model chatbot-serve chatbot-validate chatbot-gate chatbot-learn chatbot-clean

chatbot-venv:
	@CACHE_DIR="$(CACHE_DIR)" PYTHON310="$(PYTHON310)" $(CHATBOT_DIR)/bin/build-venv

chatbot-model: chatbot-venv
	@$(CHATBOT_DIR)/bin/train

chatbot-serve: chatbot-model
	$(CHATBOT_DIR)/bin/serve

chatbot-validate: chatbot-venv
	@cd $(CHATBOT_DIR) && RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=3 SQLALCHEMY_SILENCE_UBER_WARNING=1 \
		.venv/bin/rasa data validate --quiet --fail-on-warnings --config config.yml --domain domain --data data

chatbot-gate: chatbot-model
	@$(CHATBOT_DIR)/bin/nlu-gate

chatbot-learn: chatbot-venv
	@$(CHATBOT_VENV)/bin/python $(CHATBOT_DIR)/bin/learn
	@$(CHATBOT_DIR)/bin/train

# Removes the trained model and Rasa's cache; the cached venv stays in $(CACHE_DIR).
chatbot-clean:
	rm -rf $(CHATBOT_DIR)/models $(CHATBOT_DIR)/.rasa $(CHATBOT_DIR)/results
	rm -f $(CHATBOT_VENV)
