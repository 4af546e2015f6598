"""The queue's search: everything a ticket holds (tickets.models.fulltext), with the search
app's machinery rather than a second engine: its query parsing (words, synonyms, error codes,
stop words), its match syntax for each engine (search.engine.match_expression) and its
highlighting (search.services.Marker). On top: operators (`status:pending tag:billing
org:acme from:ada`) and "exact phrases".

Ranking, on both engines: the newest CANDIDATES matches (within the queue's filters) are
ranked by relevance, heads (subject, requester, tags...) weighing more than the conversation,
the conversation more than internal notes; the best RANKED of them come first, in that order,
and every other match follows in the queue's own order. Ranking every match of a common word
would read every matching document (see search.engine); tickets are mostly searched for
something rare (an invoice number, a request ID, a name), which this ranks exactly.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, CharField, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat, StrIndex
from django.utils.html import format_html

from search.engine import match_expression
from search.query import CODE_RE, MAX_LENGTH, ParsedQuery, Term, parse
from search.services import Marker
from search.words import WORD_RE
from tickets.models import (
    UNFINISHED,
    WAITING_ON_SUPPORT,
    Ticket,
    TicketSearchText,
    TicketStatus,
    normalize_tag,
)

CANDIDATES = 2000
RANKED = 200
MAX_PHRASES = 5
MAX_OPERATORS = 10
SNIPPET_SOURCE = 20_000  # characters of a part searched for the snippet's match
# SQLite bm25 weights of head, body, notes; PostgreSQL ts_rank weights of D, C, B, A.
BM25_WEIGHTS = "5.0, 1.0, 0.5"
TS_WEIGHTS = "{0.05, 0.2, 0.4, 1.0}"
OPERATOR_RE = re.compile(r'(?<!\S)(status|tag|org|from):(?:"([^"]*)"|(\S+))', re.I)
PHRASE_RE = re.compile(r'"([^"]*)"?')
PARTS = (("body", ""), ("notes", "Internal note"), ("head", ""))


class EveryWord:
    """The vocabulary the queue's search parses with: every word is one (no typo correction,
    no completion): agents search for invoice numbers, names and codes, not for guides."""

    def __contains__(self, word):
        return True

    def has_prefix(self, prefix):
        return False


@dataclass
class TicketQuery:
    text: str = ""
    parsed: ParsedQuery = field(default_factory=lambda: ParsedQuery(text=""))
    phrases: list = field(default_factory=list)  # tuples of words
    operators: list = field(default_factory=list)  # (name, value)

    @property
    def has_text(self):
        return not self.parsed.is_empty or bool(self.phrases)

    @property
    def is_empty(self):
        return not self.has_text and not self.operators


def parse_query(raw):
    """Operators, "phrases" and snake_case identifiers (as phrases: `proxy_read_timeout`),
    then the rest as the search app parses words."""
    text = (raw or "").replace("\x00", " ")[:MAX_LENGTH]
    query = TicketQuery(text=" ".join(text.split()))
    for match in OPERATOR_RE.finditer(text):
        value = (match.group(2) if match.group(2) is not None else match.group(3)).strip()
        if value and len(query.operators) < MAX_OPERATORS:
            query.operators.append((match.group(1).lower(), value[:100]))
    rest = OPERATOR_RE.sub(" ", text).lower()
    for quoted in PHRASE_RE.findall(rest):
        query.phrases.append(tuple(WORD_RE.findall(quoted)))
    rest = PHRASE_RE.sub(" ", rest)
    for code in CODE_RE.findall(rest):
        query.phrases.append(tuple(WORD_RE.findall(code)))
    rest = CODE_RE.sub(" ", rest)
    query.phrases = [p for p in dict.fromkeys(query.phrases) if p][:MAX_PHRASES]
    query.parsed = parse(rest, as_you_type=False, exact=True, vocabulary=EveryWord())
    return query


def _match(query):
    """The engine's match string of the words and phrases."""
    parts = [match_expression(query.parsed)] if not query.parsed.is_empty else []
    if connection.vendor == "postgresql":
        parts += [" <-> ".join(words) for words in query.phrases]
        return " & ".join(f"({part})" for part in parts if part)
    parts += ['"' + " ".join(words) + '"' for words in query.phrases]
    return " AND ".join(f"({part})" for part in parts if part)


def _matches_sql(match):
    if connection.vendor == "postgresql":
        return (
            "SELECT ticket_id FROM tickets_ticketsearchtext "
            "WHERE document @@ to_tsquery('english', %s)",
            [match],
        )
    return "SELECT rowid FROM tickets_fts WHERE tickets_fts MATCH %s", [match]


def _operator_q(name, value):
    value = value.lower()
    if name == "status":
        if value in ("all", "any"):
            return Q()
        if value == "waiting":
            return Q(status__in=WAITING_ON_SUPPORT)
        if value in ("unfinished", "open-ish"):
            return Q(status__in=UNFINISHED)
        labels = {label.lower().split()[0]: v for v, label in TicketStatus.choices}
        status = value if value in TicketStatus.values else labels.get(value)
        return Q(status=status) if status else Q(pk__in=[])
    if name == "tag":
        tag = normalize_tag(value)
        through = Ticket.tags.through.objects.filter(ticket=OuterRef("pk"), tag__name=tag)
        return Q(Exists(through))
    if name == "org":
        return Q(organization__name__icontains=value)
    return Q(email__icontains=value) | Q(name__icontains=value)  # from:


def operators_q(query):
    condition = Q()
    for name, value in query.operators:
        condition &= _operator_q(name, value)
    return condition


def search_q(query):
    """The tickets a query finds (a TicketQuery or text): operators and full-text match."""
    if not isinstance(query, TicketQuery):
        query = parse_query(query)
    condition = operators_q(query)
    if query.has_text:
        condition &= Q(pk__in=RawSQL(*_matches_sql(_match(query))))
    return condition


def sets_status(query):
    """Whether the query chooses statuses itself (else a search looks in every status)."""
    if not isinstance(query, TicketQuery):
        query = parse_query(query)
    return any(name == "status" for name, _ in query.operators)


@dataclass
class Ranking:
    ids: list = field(default_factory=list)  # the best RANKED matches, best first
    found: int | None = 0  # how many tickets match; None: more than CANDIDATES

    @property
    def count(self):
        """What the list says it found: a search counts up to CANDIDATES ("2,000+")."""
        return self.found if self.found is not None else AtLeast(CANDIDATES)


def rank(query, within=None):
    """The best RANKED matches of the CANDIDATES newest, and how many match, up to
    CANDIDATES (the candidates' own count, one more read to tell "2,000" from "more"):
    the list runs no count of its own. Counting every match of a common word read every
    ticket's text (a word in 93 % of 100,000 tickets: 210 ms on PostgreSQL); agents search
    for something rare, or narrow a common word, and the best matches come first whatever
    the count (Zendesk's and GitHub's searches stop at 1,000 results). `within`: a queryset
    of tickets the matches are taken from (the queue's filters)."""
    if not query.has_text:
        return Ranking()
    match = _match(query)
    restricted, params = within is not None and within.query.where, []
    if restricted:
        try:
            sql, params = within.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:  # filters no ticket can pass (an id beyond any)
            return Ranking()
        params = list(params)  # (none when every value is written in: sqlconstants)
    restrict = ""
    if connection.vendor == "postgresql":
        if restricted:
            restrict = f"AND s.ticket_id IN ({sql})"
        sql = (
            "SELECT c.id, COUNT(*) OVER () FROM (SELECT s.ticket_id AS id, s.document "
            "FROM tickets_ticketsearchtext s "
            f"WHERE s.document @@ to_tsquery('english', %s) {restrict} "
            "ORDER BY s.ticket_id DESC LIMIT %s) c "
            "ORDER BY ts_rank(%s::float4[], c.document, to_tsquery('english', %s)) DESC, "
            "c.id DESC LIMIT %s"
        )
        params = [match, *params, CANDIDATES + 1, TS_WEIGHTS, match, RANKED]
    else:
        if restricted:
            # `+`: a filter on the matches, never a constraint handed to FTS5 (which would
            # run the full-text query once per id of the list: seconds at 100,000 tickets).
            restrict = f"AND +tickets_fts.rowid IN ({sql})"
        sql = (
            "SELECT id, COUNT(*) OVER () FROM (SELECT tickets_fts.rowid AS id, "
            f"bm25(tickets_fts, {BM25_WEIGHTS}) AS score FROM tickets_fts "
            f"WHERE tickets_fts MATCH %s {restrict} ORDER BY tickets_fts.rowid DESC LIMIT %s) "
            "ORDER BY score, id DESC LIMIT %s"
        )
        params = [match, *params, CANDIDATES + 1, RANKED]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = rows[0][1] if rows else 0
    return Ranking([row[0] for row in rows], found if found <= CANDIDATES else None)


class AtLeast(int):
    """A count that stopped at its limit: there are more. Written "2,000+" wherever the
    admin writes a count (the paginator's "2,000+ tickets", "Select all 2,000+ tickets")."""

    more = True

    @property
    def limit(self):
        return f"{int(self):,}"

    def __str__(self):
        return f"{self.limit}+"


def rank_annotation(ids):
    """An expression ordering the ranked ids first, in rank order (the others: NULL)."""
    if not ids:
        # An expression, not the constant NULL: PostgreSQL refuses `ORDER BY NULL` where the
        # annotation is not selected (the CSV export's plain values).
        return Cast(Value(None), output_field=IntegerField())
    listed = Value("," + ",".join(map(str, ids)) + ",")
    position = StrIndex(listed, Concat(Value(","), Cast("pk", CharField()), Value(",")))
    return Case(When(pk__in=ids, then=position), default=None)


def _marker(query):
    terms = list(query.parsed.terms)
    terms += [Term(word=" ".join(p), alternatives=(" ".join(p),)) for p in query.phrases]
    codes = [*query.parsed.codes, *("_".join(p) for p in query.phrases if len(p) > 1)]
    return Marker(ParsedQuery(text="", terms=terms, codes=codes))


@dataclass
class Snippet:
    html: str
    label: str = ""  # "Internal note" when it comes from one


def add_snippets(query, tickets):
    """Set `search_snippet` on each ticket: the words searched for, marked, where they are
    first found (the conversation, then internal notes, then the ticket's details). One
    query for the page."""
    if not isinstance(query, TicketQuery):
        query = parse_query(query)
    tickets = list(tickets)
    for ticket in tickets:
        ticket.search_snippet = None
    if not query.has_text or not tickets:
        return
    marker = _marker(query)
    rows = TicketSearchText.objects.filter(ticket__in=[t.pk for t in tickets])
    texts = {row.ticket_id: row for row in rows}
    for ticket in tickets:
        row = texts.get(ticket.pk)
        for part, label in PARTS if row else ():
            text = getattr(row, part)[:SNIPPET_SOURCE]
            if marker.first_match(text) != -1:
                ticket.search_snippet = Snippet(marker.snippet(" ".join(text.split())), label)
                break


def snippet_html(snippet):
    if snippet is None:
        return ""
    label = format_html('<span class="queue-snippet__label">{}:</span> ', snippet.label)
    return format_html(
        '<span class="queue-snippet">{}{}</span>', label if snippet.label else "", snippet.html
    )


def reindex_all(batch=500):
    """Refill every ticket's search text (after an import, or a change of what is kept)."""
    count = 0
    queryset = Ticket.objects.select_related("organization").order_by("pk")
    for ticket in queryset.iterator(chunk_size=batch):
        TicketSearchText.refresh(ticket)
        count += 1
    return count
