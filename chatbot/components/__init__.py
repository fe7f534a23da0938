"""Custom Rasa NLU components for the MHISF assistant."""
