"""The brief of the webhook tests' stub bots: on another topic, so every usage text and citation they see
must come from the bot's ``about``, never from the code."""

from __future__ import annotations

from sahel_bot import About

ABOUT = About(
    title="Lighthouses of the Atlantic Coast",
    series="Test Notes",
    number="TN1",
    date_printed="May 1, 2024",
    author="A. Keeper",
    publisher="Tests",
    scope="lighthouses of the Atlantic coast",
    examples=("Which lighthouse is the oldest?", "Who keeps the north light?"),
    link="https://example.org/tn1.pdf",
)
