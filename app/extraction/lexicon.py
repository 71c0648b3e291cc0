"""Word lists the rules lean on: communication verbs, stance cues, unnamed sources, pronouns."""

from __future__ import annotations

# Verbs that introduce speech, by lemma. The parse decides which ones attribute a claim.
COMMUNICATION_VERBS = frozenset(
    """
    say tell state add note stress emphasize emphasise insist warn urge call claim argue assert
    declare announce affirm reaffirm confirm deny reject dismiss accuse charge criticize criticise
    condemn praise welcome suggest propose demand ask request reply respond answer explain comment
    remark acknowledge admit concede agree disagree vow pledge promise threaten predict reiterate
    repeat signal indicate describe characterize characterise label brand write post tweet
    announce mention observe point underline underscore highlight caution appeal plead
    complain lament question doubt refuse recall report allege maintain contend counter retort
    hint declare proclaim concede boast joke quip rule dispute rebuff slam blast decry denounce
    lash assure reassure inform brief testify voice express relate clarify outline invite
    restate speak hail tout laud
    """.split()
)

# "continues to insist", "keeps requesting": the speech is ongoing, not of one day.
ONGOING_VERBS = frozenset({"continue", "keep"})

# Verbs of attitude that attribute a claim when a clause follows ("allies fear that …").
ATTITUDE_VERBS = frozenset("believe think fear worry hope expect suspect feel".split())

# Communication verbs whose object is the claim ("rejected the plan", "welcomed the deal").
OBJECT_CLAIM_VERBS = frozenset(
    """
    reject dismiss deny welcome praise criticize criticise condemn denounce decry slam blast
    rebuff dispute question propose demand announce confirm acknowledge admit support back
    endorse oppose accuse charge urge call warn ask request appeal promise pledge vow offer rule
    describe remind refuse express voice emphasize emphasise stress underline underscore highlight
    reiterate repeat restate reaffirm affirm signal outline invite hail boast tout laud
    """.split()
)

# Verbs that attribute only when a clause follows them; alone they describe something else.
WEAK_COMMUNICATION_VERBS = frozenset(
    {"call", "ask", "point", "describe", "voice", "express", "report"}
)

# Lemmas that carry a stance in the governing verb.
OPPOSE_VERBS = frozenset(
    """
    reject dismiss deny oppose refuse rule criticize criticise condemn denounce decry slam blast
    rebuff dispute accuse warn question doubt veto block resist object protest condemn undermine
    sabotage refute hesitate contradict lack fear worry lash rail
    """.split()
)
SUPPORT_VERBS = frozenset(
    """
    support back endorse welcome praise urge propose demand insist agree accept favor favour call
    seek want pledge promise vow commit offer approve advocate appeal plead reaffirm
    guarantee ensure embrace hail recognize recognise request suggest invite recommend announce
    """.split()
)
# Verbs of asking: "asked him to …", "asked Trump for …", "appealed for …": a request backs what
# it asks for.
REQUEST_VERBS = frozenset("ask request appeal plead beg implore".split())
# Verbs whose clause is a proposal, not a proposition: "insisted that Kyiv withdraw",
# "suggested that the guarantees be modelled on …" back what the clause proposes.
PROPOSAL_VERBS = frozenset(
    """
    propose suggest request recommend urge demand call ask insist
    """.split()
)
# Adjectives and nouns that mark the claim itself as for or against.
OPPOSE_WORDS = frozenset(
    """
    unacceptable impossible unrealistic nonstarter non-starter absurd unfeasible premature
    illegitimate useless pointless dangerous reckless ridiculous nonsense lie lies bluster
    meaningless sham farce provocation never
    """.split()
)
SUPPORT_WORDS = frozenset(
    """
    ready willing open prepared committed positive constructive productive useful necessary
    essential important crucial vital welcome possible determined keen eager interested
    """.split()
)
CONDITIONAL_MARKERS = (
    "only if",
    "as long as",
    "provided that",
    "on condition",
    "on the condition",
    "unless",
    "if and only if",
    "so long as",
    "in exchange for",
    "in return for",
    "depends on",
    "dependent on",
    "contingent on",
    "subject to",
    "as a condition",
    "a precondition",
    "precondition",
    "prerequisite",
    "conditions for",
    "in the event of",
    "in the event that",
    "only after",
    "only when",
    "only once",
    "not until",
    "on the premise",
)

# Unnamed sources: the statement is kept, the speaker stays unknown.
UNNAMED_SOURCE_NOUNS = frozenset(
    """
    official officials source sources diplomat diplomats analyst analysts expert experts observer
    observers person people insider insiders aide aides spokesperson representative representatives
    lawmaker lawmakers critic critics leader leaders minister ministers government governments
    ally allies partner partners member members country countries capital capitals European
    Europeans negotiator negotiators envoy envoys commentator commentators
    """.split()
)

MALE_PRONOUNS = frozenset({"he", "him", "his"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their"})

# Words that head an "according to" source that is a publication, not a speaker.
PUBLICATION_WORDS = frozenset(
    """
    report reports media newspaper outlet agency survey poll data statement document draft
    """.split()
)

# Nouns that report a position when a possessor holds them: "Kyiv's view that …".
POSITION_NOUNS = frozenset(
    """
    view position belief assessment claim insistence argument demand warning statement assertion
    stance conviction contention proposal suggestion promise pledge hope fear concern
    threat offer refusal request ultimatum call appeal plea
    """.split()
)

# Valence (VADER's -4..4 scale) of words that news about negotiations uses for and against.
DIPLOMATIC_VALENCE = {
    "pretend": -1.5,
    "pretending": -1.5,
    "feign": -2.0,
    "feigning": -2.0,
    "stall": -1.5,
    "stalling": -1.5,
    "stalled": -1.2,
    "sabotage": -2.2,
    "sabotaging": -2.2,
    "bluster": -1.5,
    "maximalist": -1.5,
    "aggressor": -2.0,
    "aggressively": -1.5,
    "non-starter": -2.0,
    "nonstarter": -2.0,
    "ultimatum": -1.5,
    "intransigent": -2.0,
    "stonewall": -1.5,
    "obstruct": -1.5,
    "blackmail": -2.5,
    "annexation": -1.5,
    "occupation": -1.2,
    "capitulation": -2.0,
    "surrender": -1.5,
    "escalation": -1.5,
    "provocation": -2.0,
    "unacceptable": -2.5,
    "illegitimate": -2.0,
    "sham": -2.0,
    "farce": -2.0,
    "manipulation": -2.0,
    "manipulate": -1.5,
    "disinformation": -2.0,
    "propaganda": -1.5,
    "lacks": -1.2,
    "lack": -1.2,
    "nowhere": -1.5,
    "escalate": -1.5,
    "goodwill": 1.5,
    "credible": 1.0,
    "firmly": 0.8,
    "constructive": 1.8,
    "productive": 1.8,
    "breakthrough": 2.0,
    "progress": 1.2,
    "compromise": 0.8,
    "de-escalation": 1.5,
    "lasting": 0.8,
    "durable": 0.8,
    "sincere": 1.5,
    "stability": 1.0,
    "solidarity": 1.5,
    "steadfast": 1.5,
    "correct": 1.2,
    "accurate": 1.2,
    "unwavering": 1.2,
    "ready": 1.0,
    "willing": 1.0,
    "open": 0.6,
    "historic": 1.5,
    "milestone": 1.5,
    "fruitful": 1.8,
    "substantive": 1.2,
    "encouraging": 1.5,
}

# News outlets and agencies: when one is the speaker, the article reports its reporting, and the
# gold convention (and an analyst) reads that as a description, not a position. The entity ruler
# knows these names, which the small model often misses ("Axios first reported …").
NEWS_OUTLET_NAMES = (
    "Bloomberg",
    "Reuters",
    "TASS",
    "Interfax",
    "RIA Novosti",
    "Axios",
    "Politico",
    "CNN",
    "BBC",
    "NBC News",
    "CBS News",
    "ABC News",
    "Fox News",
    "Sky News",
    "Al Jazeera",
    "Kommersant",
    "Izvestia",
    "Vedomosti",
    "Meduza",
    "RBC-Ukraine",
    "Ukrinform",
    "UNIAN",
    "Suspilne",
    "AFP",
    "Associated Press",
    "Anadolu",
    "Xinhua",
    "Financial Times",
    "Wall Street Journal",
    "New York Times",
    "Washington Post",
    "The Telegraph",
    "The Guardian",
    "The Economist",
    "Kyiv Independent",
    "Ukrainska Pravda",
    "UNN",
    "Interfax-Ukraine",
    "European Pravda",
    "Hromadske",
    "RIA",
    "RT",
    "Sputnik",
    "Izvestiya",
    "Rossiyskaya Gazeta",
    "NHK",
    "Kyodo",
    "Yonhap",
    "DPA",
    "EFE",
    "ANSA",
    "PAP",
    "Le Monde",
    "Der Spiegel",
    "Die Welt",
    "Bild",
    "Corriere della Sera",
    "Newsweek",
    "NPR",
    "PBS",
    "Deutsche Welle",
    "Radio Free Europe",
    "RFE/RL",
    "Semafor",
    "Punchbowl News",
    "CNBC",
    "MSNBC",
    "Euronews",
    "France 24",
    "Channel 4 News",
)
NEWS_OUTLETS = frozenset(
    {name.lower().removeprefix("the ") for name in NEWS_OUTLET_NAMES}
    | {"ria", "rbc", "ap", "dpa", "ansa", "nbc", "cbs", "abc", "fox"}
)
NEWS_WORDS = frozenset(
    """
    times post journal news newspaper agency press telegraph guardian independent pravda
    tribune herald gazette daily weekly economist observer wire broadcaster outlet media
    """.split()
)
