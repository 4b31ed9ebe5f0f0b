"""Rendering: the Jinja environment, notices, spreadsheets and the JSON of results."""
