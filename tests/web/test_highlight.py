"""The passage shown around a statement: its paragraph, cut to whole sentences when long."""

from __future__ import annotations

from app.web.highlight import excerpt


def around(text: str, words: str, reach: int = 300) -> tuple[str, str, str]:
    start = text.index(words)
    found = excerpt(text, start, start + len(words), reach)
    assert found.words == words
    return found.before, found.words, found.after


def test_a_short_paragraph_is_shown_whole_and_no_other() -> None:
    text = "Headline\n\nPeskov said on Monday that talks were “useful”. Nothing more.\n\nNext."
    assert around(text, "talks were “useful”") == (
        "Peskov said on Monday that ",
        "talks were “useful”",
        ". Nothing more.",
    )


def test_a_long_paragraph_is_cut_to_the_whole_sentences_nearby() -> None:
    filler = "The U.S. envoys met again. " * 20
    text = filler + "Putin said the plan “could be a basis”. " + filler.strip()
    before, _, after = around(text, "the plan “could be a basis”", reach=60)
    # Cut where a sentence begins and ends, never inside "U.S." (an initial, not an end).
    assert before == "The U.S. envoys met again. Putin said "
    assert after == ". The U.S. envoys met again. The U.S. envoys met again."


def test_without_a_sentence_end_nearby_the_cut_is_marked() -> None:
    text = "word " * 200 + "the statement " + "word " * 200
    before, _, after = around(text, "the statement", reach=50)
    assert before.startswith("…word") and len(before) <= 51
    assert after.endswith("word…") and len(after) <= 51
