"""Find the article's prose: paragraphs with exact offsets, page furniture masked out.

Masking replaces characters with spaces of the same length, so every offset into the cleaned
text is an offset into the article exactly as stored.
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
        \s*(?:on\s+\w+)?\s*$
      | (?:related|read\s+more|read\s+also|see\s+also|also\s+read|more\s+on\s+this|recommended)
        \s*:.*
      | (?:advertisement|sponsored(?:\s+content)?|sign\s+up\b.*|subscribe\b.*|newsletter\b.*)
      | (?:photo|image|file\s+photo|video)\s*(?::|—|-|credit).*
      | .*\((?:ap|reuters|afp|getty\s+images|epa|anadolu)\s+photo[^)]*\)\s*$
      | (?:©|copyright\b|\(c\)\s).*
      | by\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}
        (?:\s*(?:,|and)\s*[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})*\s*$
      | updated\s*:?.*\d{4}.*
      | (?:published|posted)\s*:?.*\d{4}.*
      | \(reporting\s+by\b.*
      | (?:follow|join)\s+(?:us|our)\b.*
    )$""",
    re.IGNORECASE | re.VERBOSE,
)

# "KYIV, Ukraine (AP) —" or "MOSCOW (Reuters) -": a dateline before the first sentence.
DATELINE = re.compile(
    r"^\s*[A-Z][A-Z .'-]{2,40}(?:,\s*[A-Z][\w .'-]{1,40})?\s*"
    r"(?:\((?:AP|Reuters|AFP|dpa|UPI|Xinhua|TASS)\)\s*)?[—–-]{1,2}\s+"
)

# A site name glued to the first word of the text: "· novinite.comKremlin spokesman".
GLUED_SITE = re.compile(
    r"^\s*[·•|]?\s*(?:www\.)?[\w-]+\.(?:com|net|org|co\.uk|eu|ru|ua|info|news)(?=[A-Z])"
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


def is_heading(line: str) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped.split()) > MAX_HEADING_WORDS:
        return False
    if stripped[-1] in '.!?"”’»:;…)' or stripped[0] in "-–—\"“«‘'":
        return False
    return not re.search(r"\b(said|says|told|stated|added)\b", stripped, re.IGNORECASE)


def clean(text: str) -> str:
    """The article text with page furniture blanked out, the same length as the original."""
    chars = list(text)
    for match in re.finditer(r"[^\n]+", text):
        line = match.group(0)
        if BOILERPLATE_LINE.match(line) or is_heading(line):
            _mask(chars, match.start(), match.end())
            continue
        glued = GLUED_SITE.match(line)
        if glued:
            _mask(chars, match.start(), match.start() + glued.end())
            continue
        dateline = DATELINE.match(line)
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


def for_parser(text: str) -> str:
    """Same-length text the parser reads more reliably: typographic quotes made plain."""
    return text.translate(PARSE_TRANSLATION)
