"""Find the article's prose: paragraphs with exact offsets, page furniture masked out.

Masking replaces characters with spaces of the same length, so every offset into the cleaned
text is an offset into the article exactly as stored. Every pattern here runs in time linear in
the line, whatever the line holds (long runs of spaces, "and" inside names, stray brackets).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Whole lines that are page furniture, not article text.
BOILERPLATE_LINE = re.compile(
    r"""^\s*(?:
        listen\s+to\s+(?:this\s+)?(?:article|story)\b.*
      | estimated\s+\d+\s+min(?:ute)?s?\b.*
      | \d+\s+min(?:ute)?s?\s+read\b.*
      | the\s+audio\s+version\s+of\s+this\s+article\b.*
      | this\s+(?:article|audio)\s+(?:is|was)\s+(?:generated|produced|narrated)\b.*
      | (?:share|share\s+this\s+(?:article|story)|tweet|email|print|copy\s+link)
        \s*(?:on\s+\w+\s*)?$
      | (?:related|read\s+more|read\s+also|see\s+also|also\s+read|more\s+on\s+this|recommended)
        \s*:.*
      | (?:advertisement|sponsored(?:\s+content)?|sign\s+up\b.*|subscribe\b.*|newsletter\b.*)
      | (?:photo|image|file\s+photo|video)\s*(?::|—|-|credit).*
      | (?:©|copyright\b|\(c\)\s).*
      | updated.*\d{4}.*
      | (?:published|posted).*\d{4}.*
      | \(reporting\s+by\b.*
      | (?:follow|join)\s+(?:us|our)\b.*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

# "KYIV, Ukraine (AP) —", "MOSCOW (Reuters) -" or "BERLIN/BRUSSELS —": a dateline before the
# first sentence.
DATELINE = re.compile(
    r"^\s*[A-Z][A-Z .'/-]{2,40}(?:,\s*[A-Z][\w .'-]{1,40})?\s*"
    r"(?:\((?:AP|Reuters|AFP|dpa|UPI|Xinhua|TASS)\)\s*)?[—–-]{1,2}\s+"
)

# Other outlets' datelines, met only at the start of an article's first line: "New Delhi:",
# "MOSCOW:", "KIEV | Xinhua |", "ST. PETERSBURG, April 11. /TASS/.". Anywhere else a name and a
# colon may be a speaker's ("Zelensky: …"), so these are not looked for there.
PLACE = r"[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,2}"
OPENING_DATELINE = re.compile(
    rf"^\s*{PLACE}\s*"
    r"(?::|\|\s*[\w ]{2,20}\||,\s+[A-Z][a-z]+\.?\s+\d{1,2}\.\s*/\s*[A-Z]+\s*/\.?)\s+"
)

# A photo credit closing a caption line: "… in Kyiv. (AP Photo/Efrem Lukatsky)".
PHOTO_CREDIT = re.compile(r"\((?:ap|reuters|afp|getty\s+images|epa|anadolu)\s+photo", re.IGNORECASE)

# A by-line: "By Anna Berg, Boris Cole and Clara Dahl", at most four names between commas or
# "and"s (which may be glued to the names: the pattern ignores case). Read by an automaton
# (``_is_byline``): as a regex, every "and" inside a name ("Alexandra", "Fernandez") doubles
# the ways to split the line, and a long line that fails takes exponential time.
BYLINE_START = re.compile(r"\s*by\s", re.IGNORECASE)
NAME_FIRST = re.compile(r"[A-Z]", re.IGNORECASE)
NAME_CHAR = re.compile(r"[\w.'’-]", re.IGNORECASE)
SPACE = re.compile(r"\s")
AND_LETTERS = tuple(re.compile(letter, re.IGNORECASE) for letter in "and")
BYLINE_GROUP = 4  # names in a row without a comma or "and"

# A site name glued to the first word of the text: "· novinite.comKremlin spokesman".
GLUED_SITE = re.compile(
    r"^\s*(?:[·•|]\s*)?(?:www\.)?[\w-]+\.(?:com|net|org|co\.uk|eu|ru|ua|info|news)(?=[A-Z])"
)

# A heading: short, no sentence-final punctuation, no quotation marks opening a sentence.
MAX_HEADING_WORDS = 14


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of article prose; ``text`` is the masked slice ``cleaned[start:end]``."""

    index: int
    start: int
    end: int
    text: str


def _mask(chars: list[str], start: int, end: int) -> None:
    for position in range(start, end):
        if chars[position] not in "\n\r":
            chars[position] = " "


def is_heading(line: str, first: bool = False) -> bool:
    """A short line without a sentence's end. In the body one that reports speech is kept (a
    sentence the page cut short); the article's first line is its headline even so ("Kremlin
    says no date set for talks"), and a headline is never a statement."""
    stripped = line.strip()
    if not stripped or len(stripped.split()) > MAX_HEADING_WORDS:
        return False
    if len(stripped) > 2 and stripped[0] in "-–—" and stripped[-1] in "-–—":
        return True  # "- 'Zero gratitude' claim -": a section heading between dashes
    # A headline may end with a quote ("Trump says talks were “very productive”"), not a stop.
    ending = stripped.rstrip('"”’»') if first else stripped
    if not ending or ending[-1] in '.!?"”’»:;…)' or stripped[0] in "-–—\"“«‘'":
        return False
    return first or not re.search(r"\b(said|says|told|stated|added)\b", stripped, re.IGNORECASE)


def _is_photo_credit(line: str) -> bool:
    """A line ending in "(AP Photo/…)": the credit is the last bracket, after any other."""
    end = line.rstrip()
    if not end.endswith(")"):
        return False
    credit = end[end.rfind(")", 0, len(end) - 1) + 1 : -1]
    return PHOTO_CREDIT.search(credit) is not None


def _byline_step(states: set[tuple[str, int]], char: str) -> set[tuple[str, int]]:
    """One character through the by-line automaton. States: ``lead`` (spaces after "by"),
    ``first`` (a name's first letter read, ``count`` names in its group), ``name`` (a name that
    may end here), ``gap`` (spaces between names of a group), ``before`` / ``a`` / ``an`` /
    ``after`` (around a comma or "and"), ``end`` (trailing spaces)."""
    read = _Read.of(char)
    found: set[tuple[str, int]] = set()
    for state, count in states:
        found |= _name_moves(state, count, read)
        found |= _joiner_moves(state, read)
        if read.space:
            found |= _space_moves(state, count)
    return found


@dataclass(frozen=True)
class _Read:
    """What one character is to the by-line automaton."""

    char: str
    space: bool
    first: bool  # may start a name
    inner: bool  # may continue a name
    letters: tuple[bool, ...]  # is "a", "n", "d" of "and"

    @classmethod
    def of(cls, char: str) -> _Read:
        return cls(
            char,
            SPACE.match(char) is not None,
            NAME_FIRST.match(char) is not None,
            NAME_CHAR.match(char) is not None,
            tuple(pattern.match(char) is not None for pattern in AND_LETTERS),
        )


def _name_moves(state: str, count: int, read: _Read) -> set[tuple[str, int]]:
    if state in ("lead", "after") and read.first:
        return {("first", 1)}
    if state == "gap" and read.first:
        return {("first", count + 1)}
    if state in ("first", "name") and read.inner:
        return {("name", count)}
    return set()


def _joiner_moves(state: str, read: _Read) -> set[tuple[str, int]]:
    """Through ", " or " and " between names."""
    found: set[tuple[str, int]] = set()
    if state in ("name", "before"):
        if read.char == ",":
            found.add(("after", 0))
        if read.letters[0]:
            found.add(("a", 0))
    if state == "a" and read.letters[1]:
        found.add(("an", 0))
    if state == "an" and read.letters[2]:
        found.add(("after", 0))
    return found


def _space_moves(state: str, count: int) -> set[tuple[str, int]]:
    if state == "name":
        found = {("before", 0), ("end", 0)}
        if count < BYLINE_GROUP:
            found.add(("gap", count))
        return found
    if state in ("lead", "gap", "before", "after", "end"):
        return {(state, count)}
    return set()


def _is_byline(line: str) -> bool:
    """ "By Anna Berg and Boris Cole": see BYLINE_START."""
    opening = BYLINE_START.match(line)
    if opening is None:
        return False
    states = {("lead", 0)}
    for char in line[opening.end() :]:
        states = _byline_step(states, char)
        if not states:
            return False
    return any(state in ("name", "end") for state, _count in states)


def is_boilerplate(line: str) -> bool:
    return BOILERPLATE_LINE.match(line) is not None or _is_photo_credit(line) or _is_byline(line)


def clean(text: str) -> str:
    """The article text with page furniture blanked out, the same length as the original."""
    chars = list(text)
    first = True  # the article's first line of text: its headline, if it is one
    opening = True  # no prose yet: where an outlet's dateline stands
    for match in re.finditer(r"[^\n]+", text):
        line = match.group(0)
        headline, first = first, first and not line.strip()
        if is_boilerplate(line) or is_heading(line, first=headline):
            _mask(chars, match.start(), match.start() + len(line))
            continue
        glued = GLUED_SITE.match(line)
        if glued:
            _mask(chars, match.start(), match.start() + glued.end())
            continue
        dateline = DATELINE.match(line) or (OPENING_DATELINE.match(line) if opening else None)
        opening = opening and not line.strip()
        if dateline and dateline.end() < len(line):
            _mask(chars, match.start(), match.start() + dateline.end())
    return "".join(chars)


def paragraphs(cleaned: str) -> list[Paragraph]:
    """Non-empty lines of the cleaned text, trimmed, with their offsets."""
    found: list[Paragraph] = []
    for match in re.finditer(r"[^\n]+", cleaned):
        line = match.group(0)
        stripped = line.strip()
        if not stripped:
            continue
        start = match.start() + (len(line) - len(line.lstrip()))
        end = start + len(stripped)
        found.append(Paragraph(index=len(found), start=start, end=end, text=cleaned[start:end]))
    return found


PARSE_TRANSLATION = str.maketrans(
    {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "’": "'", "‘": "'"}
)


# spaCy's tokenizer strips a run's prefixes and suffixes one at a time, copying the rest of the
# run each time: thousands of marks with no space between them take time quadratic in their
# number. Prose has no run this long, so breaking one changes nothing a reader would see.
MAX_RUN = 200
LONG_RUN = re.compile(rf"\S{{{MAX_RUN + 1},}}")


def _break_run(match: re.Match[str]) -> str:
    chars = list(match.group(0))
    for position in range(MAX_RUN, len(chars), MAX_RUN):
        chars[position] = " "
    return "".join(chars)


def for_parser(text: str) -> str:
    """Same-length text the parser reads more reliably: typographic quotes made plain, and a
    run of more than MAX_RUN characters without a space broken by a space every MAX_RUN."""
    return LONG_RUN.sub(_break_run, text.translate(PARSE_TRANSLATION))
