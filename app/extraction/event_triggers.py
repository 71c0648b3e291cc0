"""Which kinds of event a sentence reports, by the words that name them: talks, meetings,
summits, calls, proposals, agreements, ceasefires, violations and prisoner exchanges, unless
the mention is speculative, unsettled or only refers back."""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.extraction.lexicon import NEWS_OUTLET_NAMES

CEASEFIRE = r"(?:ceasefire|cease-fire|truce)"
OUTLETS = "|".join(re.escape(name) for name in NEWS_OUTLET_NAMES)
# Each kind's trigger words. A sentence can report several events of different kinds; the
# general kinds give way to the specific ones in SUBSUMED.
TRIGGERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "prisoner_exchange",
        re.compile(
            r"\b(?:prisoner|pow|captive)s?\b[\w\s-]{0,20}\b(?:exchange|swap)"
            r"|\b(?:exchang|swapp?)(?:e|es|ed|ing)\b[\w\s,-]{0,40}\b(?:prisoners|pows|captives|bodies|"
            r"servicemen|soldiers|defenders|civilians)\b"
            r"|\b(?:returned|brought\s+back|freed|released)\b[\w\s,-]{0,60}\b(?:captivity|prisoners|"
            r"pows|defenders|servicemen|bodies)\b"
            r"|\brepatriat(?:ion|ed)\b",
            re.I,
        ),
    ),
    (
        "violation",
        re.compile(
            rf"\b(?:violat(?:ed|ion|ions|ing)|breach(?:ed|es)?)\b[\w\s-]{{0,30}}\b{CEASEFIRE}"
            rf"|\b{CEASEFIRE}\s+(?:violations?|breach)",
            re.I,
        ),
    ),
    (
        "ceasefire",
        re.compile(
            r"\b(?:declared|announced|agreed(?:\s+to)?|ordered|began|start(?:ed)?|"
            rf"enter(?:ed)?\s+into\s+force)\b[\w\s-]{{0,30}}\b{CEASEFIRE}"
            rf"|\b{CEASEFIRE}\s+(?:took|takes|came|went|began|begins|starts|will\s+start|expired|ended)"
            rf"|\b(?:\d+|one|two|three|thirty)[- ](?:hour|day)\s+(?:[\w-]+\s+){{0,2}}{CEASEFIRE}"
            rf"|\b(?:unilateral|easter|energy|partial|maritime|black\s+sea)\s+(?:[\w-]+\s+)?{CEASEFIRE}",
            re.I,
        ),
    ),
    (
        "summit",
        re.compile(
            r"\bsummit\b|\bG(?:7|20)\s+(?:meeting|leaders)"
            # "European leaders gathered in London", "Gathered in Paris, the leaders of …"
            r"|\bleaders\s+(?:[\w-]+\s+){0,2}gathered\b|^\W*gathered\s+in\s+[A-Z][\w-]+,\s+the\s+leaders\b",
            re.I,
        ),
    ),
    (
        "call",
        re.compile(
            r"\b(?:phone|telephone|video)\s+(?:call|conversation|talks)\b"
            r"|\bspoke\b[\w\s]{0,20}\b(?:by|on\s+the|over\s+the)\s+(?:phone|telephone)"
            r"|\b(?:over|by)\s+the\s+phone\b"
            r"|\b(?:a|the|their|his|her|its)\s+(?:[\w.-]+\s+){0,2}call\s+(?:with|between)\b"
            r"|\b\d+(?:\.\d+)?[- ]hour(?:-long)?\s+call\b"
            r"|\bhad\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}call\b"
            r"|\bspoke\b[\w\s]{0,20}\b(?:to|with)\s+(?:[\w.]+\s+){0,2}(?:President|Prime\s+Minister|"
            r"Chancellor|leader)\b"
            r"|\bcalling\s+(?:[A-Z]\w+\s+){0,3}[A-Z]\w+\s+(?:\"?right\s+now|to\s+inform)"
            # "Starmer spoke with both Macron and Trump", "had spoken by phone with Trump", "spoke
            # with his Russian counterpart"; not with reporters, the press or a news outlet
            r"|\bspo(?:ke|ken)\s+(?:by\s+(?:phone|telephone)\s+)?(?:with|to)\s+"
            rf"(?!(?:the\s+)?(?:{OUTLETS})\b)(?:both\s+|his\s+|her\s+|their\s+)?"
            r"(?:(?:\w+\s+){0,2}counterparts?\b|(?-i:(?P<callee>[A-Z][\w-]+)))",
            re.I,
        ),
    ),
    (
        "agreement",
        re.compile(
            r"\b(?:signed|agreed\s+on|reached|struck|concluded|sealed)\b[\w\s-]{0,30}\b(?:agreement|"
            r"deal|accord|memorandum|treaty|framework)\b",
            re.I,
        ),
    ),
    (
        "proposal",
        re.compile(
            r"\b(?:proposed|put\s+forward|presented|unveiled|submitted|drafted|offered)\b[\w\s-]{0,40}"
            rf"\b(?:plan|proposal|framework|memorandum|peace\s+deal|points?|promise|{CEASEFIRE})\b"
            # "Putin proposed to resume direct negotiations": a proposal, not yet talks
            r"|\bproposed\s+(?:to\s+\w+|that)\b"
            r"|\b\d+-point\s+(?:plan|proposal|peace\s+plan)\b"
            rf"|\b(?:a|an|the)\s+(?:[\w.-]+\s+){{0,3}}(?:{CEASEFIRE}\s+|peace\s+)?proposal\b"
            r"|\bcounter-?proposals?\b",
            re.I,
        ),
    ),
    (
        "talks",
        re.compile(
            r"\b(?:talks|negotiations|round\s+of\s+(?:talks|negotiations)|peace\s+talks)\b"
            r"(?![\w\s]{0,12}\b(?:ahead|planned|expected|could|would|may|might)\b)",
            re.I,
        ),
    ),
    (
        "meeting",
        re.compile(
            r"\b(?:met|meets|meeting|hosted|hosting|hosts?|visited|received|to\s+meet)\b"
            r"|\bvisit\s+to\s+(?:the\s+)?(?-i:[A-Z])",  # "a visit to the White House", "to Kyiv"
            re.I,
        ),
    ),
)
# A sentence that reports a summit or a call rarely reports a separate meeting or talks.
SUBSUMED = {
    "meeting": ("summit", "call"),
    "talks": ("summit", "call"),
}
# Who meets to negotiate: when they meet, it is talks.
NEGOTIATORS = re.compile(r"\b(?:delegations|negotiators|negotiating\s+teams)\b[^.;]*$", re.I)
# Talks named this soon after a meeting are what it was for ("met in Turkey for talks").
TALKS_FOR_MEETING = 40
PURPOSE = re.compile(r"\bfor\s+(?:a|an|the)?\s*(?:[\w-]+\s+){0,4}$", re.I)
# "the meeting", "that call": a mention of an event the article has already reported.
BACK_REFERENCE = re.compile(r"\b(?:the|that|this|those|these)\s+$", re.I)
# "a possible partial ceasefire", "a hoped-for meeting", "ahead of a meeting": nothing that
# has happened.
SPECULATIVE = re.compile(
    r"\b(?:possible|potential|hoped-for|prospective|proposed|ahead\s+of\s+(?:a|the))\s+"
    r"(?:[\w-]+\s+)?$"
    r"|\bsuch\s+an?\s+$",
    re.I,
)
# "a date for a Trump–Putin meeting remains undecided", "a meeting … is not yet on the agenda"
UNSETTLED = re.compile(
    r"[^.;:!?]{0,60}?\b(?:remains?\s+(?:undecided|unclear|uncertain|to\s+be)|(?:is|are)\s+not\s+yet|"
    r"has\s+not\s+(?:yet\s+)?been|to\s+(?:happen|take\s+place))\b",
    re.I,
)


def event_kinds(text: str, actors: Sequence[str] = ()) -> list[tuple[str, int, bool]]:
    """The kinds of event a sentence reports, each with where its trigger starts and whether it
    only refers back ("at the meeting"). ``actors``: the codebook names the sentence holds; one
    spoken with must be among them ("spoke with Macron", not "spoke to Ukrainians")."""
    found: dict[str, tuple[int, bool]] = {}
    named = {word.lower() for name in actors for word in name.split()}
    for kind, pattern in TRIGGERS:
        match = pattern.search(text)
        if match is None:
            continue
        callee = match.groupdict().get("callee")
        if callee is not None and callee.lower() not in named:
            continue
        before = text[max(0, match.start() - 30) : match.start()]
        if kind in ("ceasefire", "meeting", "summit") and (
            SPECULATIVE.search(before) or UNSETTLED.match(text, match.end())
        ):
            continue
        referring = BACK_REFERENCE.search(before[-8:])
        found[kind] = (match.start(), referring is not None)
    if (
        "meeting" in found
        and "talks" not in found
        and NEGOTIATORS.search(text[max(0, found["meeting"][0] - 40) : found["meeting"][0]])
    ):
        found["talks"] = found.pop("meeting")  # "the two delegations met in Geneva": talks
    if "talks" in found and "meeting" in found:
        # "Witkoff met Putin …, hinting at progress in peace talks" is a meeting; "met in
        # Turkey for a second round of talks" and "the meeting began with talks" are talks.
        talks_at, meeting_at = found["talks"][0], found["meeting"][0]
        for_talks = talks_at < meeting_at + TALKS_FOR_MEETING or PURPOSE.search(text[:talks_at])
        del found["meeting" if for_talks else "talks"]
    return [
        (kind, position, referring)
        for kind, (position, referring) in found.items()
        if not any(general in found for general in SUBSUMED.get(kind, ()))
    ]
