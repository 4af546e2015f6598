"""Words of a question that say little about what it asks: framing words and the English
function words the search's stop words leave in. They weigh little in how much of a
question a text covers (answers.retrieval), and begin no phrase an acronym stands for
(answers.acronyms)."""

# English function words the search's stop words leave in (prepositions, adverbs, pronouns,
# auxiliaries, light verbs): rare in the content's vocabulary, they would otherwise weigh
# as much as "paypal" ("am", "up", "about", "after").
FUNCTION_WORDS = """about above across after against along among around before behind below beside
    between beyond during except inside onto out outside over past since through throughout
    toward towards under until up upon via within without again already always ever never
    now once only just later instead maybe perhaps quite rather really very yet anyway even
    almost enough am been being both each every few more most other others own same some
    such any all none nor not no neither either another whatever whenever whether while
    someone somebody anyone anybody everyone everything nothing he she him her his hers
    himself herself itself myself ourselves yourself yourselves themselves those mine yours
    ours theirs let lets having may might must shall ought did done getting keep keeps
    kept give gives gave given take takes took put come comes came seem seems"""
# Words that frame a question rather than name what it is about: they weigh little in how
# much of a question a passage covers ("how long does the lockout last": the lockout).
FRAMING = frozenset(
    [
        "long",
        "many",
        "much",
        "often",
        "soon",
        "happen",
        "happens",
        "happened",
        "mean",
        "means",
        "need",
        "needs",
        "use",
        "used",
        "using",
        "get",
        "gets",
        "got",
        "work",
        "works",
        "way",
        "possible",
        "tell",
        "know",
        "say",
        "says",
        "see",
        "make",
        "go",
        "want",
        "help",
        "able",
        "still",
        "also",
        "one",
        "first",
        "new",
        "anything",
        "something",
        "thing",
        "things",
        "there",
        "here",
        "else",
        "exactly",
    ]
) | frozenset(FUNCTION_WORDS.split())
