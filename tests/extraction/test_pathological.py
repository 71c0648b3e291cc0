"""Pathological articles (thousands of marks, no sentence breaks, endless lists) give sane
output: no crash, every span inside the text, no more statements than words. Their timing is
measured by bench/pathological.py, not here; these run each case small."""

from __future__ import annotations

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from app.extraction.clean import MAX_RUN, Paragraph, for_parser, is_boilerplate
from app.extraction.cues import _LinearVader
from app.extraction.nlp import MAX_SENTENCE_TOKENS, parse
from app.extraction.offsets import Ranges
from app.extraction.pipeline import Extractor
from app.extraction.quotes import MAX_LEFT_OPEN, find_quotes
from bench.pathological import CASES

SMALL = 240  # tokens, roughly


@pytest.mark.parametrize("name", list(CASES))
def test_pathological_article_gives_sane_output(name: str, extractor: Extractor) -> None:
    case = CASES[name]
    text = case.build(SMALL // case.per)
    result = extractor.extract(text)
    assert len(result.statements) <= len(text.split())
    for statement in result.statements:
        assert 0 <= statement.start < statement.end <= len(text)
        assert text[statement.start : statement.end] == statement.text
    for event in result.events:
        assert 0 <= event.start < event.end <= len(text)


@pytest.mark.parametrize(
    "name",
    [
        "straight quotes",
        "curly opening quotes",
        "alternating curly pairs",
        "single curly marks",
        "spaced dashes",
        "spaces before a line",
    ],
)
def test_marks_without_words_make_no_statement(name: str, extractor: Extractor) -> None:
    assert extractor.extract(CASES[name].build(SMALL)).statements == []


def test_one_statement_per_quoted_paragraph(extractor: Extractor) -> None:
    text = CASES["one quote per paragraph"].build(20)
    assert len(extractor.extract(text).statements) == 20


def test_many_quotes_in_one_paragraph_keep_their_speaker(extractor: Extractor) -> None:
    result = extractor.extract(CASES["quotes in one paragraph"].build(15))
    assert [s.speaker for s in result.statements] == ["Vladimir Putin"] * 15


def test_a_dash_quote_across_a_long_gap(extractor: Extractor) -> None:
    result = extractor.extract(CASES["dash quote with a long gap"].build(3000))
    [statement] = result.statements
    assert statement.speaker == "Volodymyr Zelensky"
    assert statement.text.startswith("We will not give up") and statement.text.endswith("our land")


def test_no_sentence_is_longer_than_the_limit(extractor: Extractor) -> None:
    text = CASES["one paragraph, no sentence breaks"].build(3 * MAX_SENTENCE_TOKENS)
    [doc] = parse(extractor.nlp, [text], batch_size=8)
    assert len(doc) == len(extractor.nlp.make_doc(text))
    assert max(len(sentence) for sentence in doc.sents) <= MAX_SENTENCE_TOKENS


def test_long_runs_are_broken_for_the_parser_only() -> None:
    text = "“" + '"' * 1000 + "two words"
    plain = for_parser(text)
    assert len(plain) == len(text)
    assert max(len(run) for run in plain.split()) <= MAX_RUN


def test_at_most_three_quotes_left_open_run_to_the_paragraph_end() -> None:
    text = "“We will go on “and on “and on “and on “and on"
    following = Paragraph(1, len(text) + 1, len(text) + 2, "“")
    quotes = find_quotes(Paragraph(0, 0, len(text), text), following)
    assert [text[q.start : q.end] for q in quotes if q.open_end] == [
        text[1:],
        text[len("“We will go on “") :],
        text[len("“We will go on “and on “") :],
    ]
    assert len(quotes) == MAX_LEFT_OPEN


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("By Alexandra Fernandez and Sandra Brandon", True),
        ("by Anna Berg, Boris Cole, Clara Dahl and David Engel", True),
        ("By A B C D E", False),  # five names with no comma or "and" between them
        ("By " + ", ".join(["Alexandra Fernandez"] * 40) + ":", False),  # exponential as a regex
        ("(AP Photo/Efrem Lukatsky)", True),
        ("Zelensky in Kyiv (AP Photo/Efrem Lukatsky) (file)", False),
    ],
)
def test_bylines_and_photo_credits(line: str, expected: bool) -> None:
    assert is_boilerplate(line) is expected


def test_ranges_find_the_first_covering_range() -> None:
    ranges = Ranges([(0, 10), (2, 4), (12, 15)])
    assert ranges.covering(3) == (0, 10)
    assert ranges.covering(11) is None
    assert ranges.covering(14) == (12, 15)
    assert 15 not in ranges


@pytest.mark.parametrize(
    "text",
    [
        "good but bad but good",
        "not good at all, but great great great",
        "no bad no bad but never so good",
        "without doubt the best, kind of the worst",
        "GREAT plan but the WORST ceasefire ever!!",
    ],
)
def test_linear_vader_scores_as_vader_does(text: str) -> None:
    assert _LinearVader().polarity_scores(text) == SentimentIntensityAnalyzer().polarity_scores(
        text
    )
