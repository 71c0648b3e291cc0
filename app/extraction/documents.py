"""Who issued a document the article names, so that "the draft" or "the statement" later
speaks for its issuers: "a 28-point plan drafted by Witkoff and Dmitriev … That draft called
for …", "The four leaders issued a joint statement. … The statement sets out four demands:"."""

from __future__ import annotations

from spacy.tokens import Token

# Texts that "say" things: their issuer speaks, or no one named does.
DOCUMENT_NOUNS = frozenset(
    """
    statement document readout communique communiqué memorandum declaration report
    publication newspaper outlet agency paper draft text letter
    """.split()
)
# (The kinds below are the documents an article can name again: "the draft", "the statement".)

# One text under several names: a plan is also "the draft", "the proposal".
DOCUMENT_KINDS = {
    "plan": "plan",
    "draft": "plan",
    "proposal": "plan",
    "framework": "plan",
    "memorandum": "memorandum",
    "statement": "statement",
    "declaration": "statement",
    "communique": "statement",
    "communiqué": "statement",
}
# Verbs of authorship (signing or adopting a text is no authoring it: "Kyiv would never sign
# the plan").
ISSUING_VERBS = frozenset(
    "draft issue release publish present unveil propose prepare write author".split()
)
UNREAL_AUXILIARIES = frozenset("would could might may should must will".split())
DEFINITE = frozenset({"the", "that", "this"})


def document_kind(noun: Token) -> str | None:
    return DOCUMENT_KINDS.get(noun.lemma_.lower()) if noun.pos_ == "NOUN" else None


def issuer_of(noun: Token) -> Token | None:
    """The words naming who issued the document ``noun`` names, where its sentence says so:
    "a plan drafted by Witkoff and Dmitriev", "the leaders issued a joint statement"."""
    if document_kind(noun) is None:
        return None
    for child in noun.children:
        if child.dep_ == "acl" and child.lemma_.lower() in ISSUING_VERBS:
            for agent in child.children:
                if agent.dep_ == "agent":
                    return next((g for g in agent.children if g.dep_ == "pobj"), None)
    verb = noun.head
    if (
        noun.dep_ == "dobj"
        and verb.lemma_.lower() in ISSUING_VERBS
        and not any(
            c.dep_ == "neg" or (c.dep_ == "aux" and c.lower_ in UNREAL_AUXILIARIES)
            for c in verb.children
        )
    ):
        return next((c for c in verb.children if c.dep_ == "nsubj"), None)
    return None


def refers_back(noun: Token) -> bool:
    """ "the draft", "that statement": a document already named, not a new one."""
    return any(c.dep_ == "det" and c.lower_ in DEFINITE for c in noun.children) and not any(
        c.dep_ in ("poss", "compound") for c in noun.children
    )
