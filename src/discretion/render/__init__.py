"""Rendering decisions and catalog items for people: Chinese text and Markdown."""
