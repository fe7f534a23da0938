"""Custom actions served by the Rasa action server (rasa-sdk).

The portal talks to Rasa over HTTP only; nothing here imports `portal`.
"""
