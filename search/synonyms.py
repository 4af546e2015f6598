"""The synonyms editors keep (`Synonym`), as the query parser uses them: which words and short
phrases of a query expand to which alternatives. Built once per synonyms version per process;
any save or delete of a synonym makes a new version (search.signals)."""

import threading
import uuid

from django.core.cache import cache

from search.models import Synonym

VERSION_KEY = "search:synonyms-version"


class Thesaurus:
    _lock = threading.Lock()
    _cached = (None, None)

    def __init__(self, groups):
        """`groups`: (keys, one_way) pairs, keys as `Synonym.keys()` gives them."""
        expansions = {}
        for keys, one_way in groups:
            for key in keys[:1] if one_way else keys:
                expansions.setdefault(key, {key: None}).update(dict.fromkeys(keys))
        self.expansions = {key: tuple(found) for key, found in expansions.items()}
        self.longest = max((len(key.split()) for key in self.expansions), default=0)

    @classmethod
    def current(cls):
        version = cache.get_or_set(VERSION_KEY, uuid.uuid4().hex, None)
        with cls._lock:
            cached_version, thesaurus = cls._cached
            if cached_version != version:
                synonyms = Synonym.objects.only("terms", "one_way")
                thesaurus = cls([(s.keys(), s.one_way) for s in synonyms])
                cls._cached = (version, thesaurus)
        return thesaurus

    def __contains__(self, key):
        return key in self.expansions

    def match(self, words, start):
        """The longest term starting at words[start] (a key, and how many words it spans)."""
        for size in range(min(self.longest, len(words) - start), 0, -1):
            key = " ".join(words[start : start + size])
            if key in self.expansions:
                return key, size
        return None


def changed():
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)
