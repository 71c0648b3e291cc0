"""The day a statement was made: a time expression about the speech act, no day for "has
long said", the day its paragraph established, else the publication day.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc, Span, Token

from app.extraction.dates import ResolvedDate, dates_from, find_dates
from app.extraction.drafts import Draft
from app.extraction.lexicon import (
    ATTITUDE_VERBS,
    COMMUNICATION_VERBS,
    ONGOING_VERBS,
)
from app.extraction.offsets import (
    Ranges,
    doc_text,
)

PRESENT_PERFECT_AUX = {"has", "have", "'s", "'ve"}


def dates_outside(doc: Doc, quote_ranges: Ranges, published: date | None) -> list[ResolvedDate]:
    """The paragraph's dates outside quotes, in order of position."""
    return [found for found in find_dates(doc.text, published) if found.start not in quote_ranges]


@dataclass(frozen=True)
class Dated:
    """A day the paragraph has established, and where: it carries to later past-tense speech."""

    position: int
    day: date
    precision: str


def said_on(
    draft: Draft,
    quote_ranges: Ranges,
    claims: Ranges,
    paragraph_dates: list[ResolvedDate],
    carried: list[Dated],
    published: date | None,
) -> tuple[date | None, str | None, bool]:
    """The day of the words, and whether the sentence itself said so.

    ``claims``: the paragraph's reported claims. A time expression about the speech act wins;
    then a verb that is not news of the day ("has said", "has long argued", "continues to
    insist") has no day; then past-tense speech takes the day the paragraph established
    earlier; else the publication day."""
    sentence = draft.sentence
    # Not a date inside any claim of the paragraph: "confirmed he will wait for Putin on
    # Thursday, May 15, and called on Russia to stop the killing" says nothing of when.
    in_sentence = [
        found
        for found in dates_from(paragraph_dates, sentence.start_char, sentence.end_char)
        if found.start not in claims and found.start not in quote_ranges
    ]
    in_sentence = [
        found
        for found in in_sentence
        # words are never said after the article that reports them was published
        if (published is None or found.day <= published)
        and _may_date_the_speech(sentence, found, draft)
    ]
    if in_sentence:
        anchor = draft.anchor.idx if draft.anchor is not None else draft.start
        best = min(in_sentence, key=lambda found: abs(found.start - anchor))
        return best.day, best.precision, True
    verb = draft.anchor
    if verb is not None and _not_of_the_day(verb):
        return None, None, False
    earlier = bisect_left(carried, sentence.start_char, key=lambda dated: dated.position)
    if earlier and (verb is None or verb.tag_ in ("VBD", "VBN")):
        latest = carried[earlier - 1]  # ``carried`` is in order of position
        return latest.day, latest.precision, False
    return (published, "day", False) if published else (None, None, False)


DEADLINE_WORDS = {"until", "till", "by", "before", "deadline", "from", "through", "ahead"}


OTHER_CLAUSES = {"relcl", "acl", "ccomp", "xcomp", "pcomp"}


def _may_date_the_speech(sentence: Span, found: ResolvedDate, draft: Draft) -> bool:
    """A date can be the day of the words unless it is a deadline ("until Friday", "by May 8")
    or sits in a clause of its own that the speech verb is not part of ("Trump, who has given
    Moscow until Friday, wrote …")."""
    text = doc_text(sentence.doc)
    before = text[max(0, found.start - 25) : found.start].lower().split()
    if before and before[-1].strip(",") in DEADLINE_WORDS:
        return False
    anchor = draft.anchor
    token = sentence.doc.char_span(found.start, found.end, alignment_mode="expand")
    if token is None:
        return True
    if anchor is None:
        # A quote placed by proximity: a date in a clause of its own ("… told AFP that
        # “secondary sanctions” were expected on Friday") is not the day of the quote.
        return not _in_a_clause(token.root)
    node = token.root
    while node.i != anchor.i and node.head.i != node.i:
        if node.dep_ in OTHER_CLAUSES and anchor not in node.subtree and not _of_the_speech(node):
            return False
        node = node.head
    return True


# Participles that describe the speech act itself: "Peskov, speaking to state TV on Saturday,
# said …", "in an interview published on Sunday".
SPEECH_PARTICIPLES = COMMUNICATION_VERBS | {
    "talk",
    "appear",
    "publish",
    "air",
    "broadcast",
    "release",
}


def _of_the_speech(clause: Token) -> bool:
    """A participle clause that describes the speaking ("speaking on Saturday"), not a relative
    clause with a life of its own ("Trump, who has given Moscow until Friday, …")."""
    return (
        clause.dep_ in ("acl", "xcomp")
        and clause.tag_ in ("VBG", "VBN")
        and clause.lemma_.lower() in SPEECH_PARTICIPLES
    )


def _in_a_clause(token: Token) -> bool:
    node = token
    while node.head.i != node.i:
        if node.dep_ in OTHER_CLAUSES:
            return True
        node = node.head
    return False


HABITUAL_ADVERBS = {
    "repeatedly",
    "long",
    "often",
    "previously",
    "recently",
    "consistently",
    "always",
}


def _not_of_the_day(verb: Token) -> bool:
    """ "has said", "has long rejected", "recently stated", "continues to express"."""
    if verb.tag_ == "VBN" and any(
        child.dep_ == "aux" and child.lower_ in PRESENT_PERFECT_AUX for child in verb.children
    ):
        return True
    if any(child.dep_ == "advmod" and child.lower_ in HABITUAL_ADVERBS for child in verb.children):
        return True
    if verb.tag_ in ("VBP", "VBZ") and verb.dep_ == "relcl":
        return True  # "security guarantees, something it says Kyiv lacks": held, not said on a day
    if verb.lemma_.lower() in ATTITUDE_VERBS:
        return True  # "allies fear that …": a state of mind, not words said on a day
    return verb.dep_ == "xcomp" and verb.head.lemma_.lower() in ONGOING_VERBS


def sentence_initial_dates(doc: Doc, paragraph_dates: list[ResolvedDate]) -> list[Dated]:
    """ "On Tuesday, …" / "Earlier this month, …": a date that frames its whole sentence."""
    found = []
    for sentence in doc.sents:
        for dated in dates_from(paragraph_dates, sentence.start_char, sentence.start_char + 5):
            found.append(Dated(dated.start, dated.day, dated.precision))
    return found
