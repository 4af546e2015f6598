"""The new text of a reply: where the customer stopped writing and the quoted history began.

Our one place for it, extending mail-parser-reply (whose header patterns for en, de, fr, es,
it, nl, pl, sv, da, cs, ja, ko, zh are used as they are) with what it does not know, per
language (WROTE, OPENING, ORIGINAL; docs/running/email.md lists them): quote headers in
Dutch, Polish, Swedish, Norwegian, Danish, Portuguese, Finnish, Russian, Turkish, Italian
("In data"), French split
over lines and "Message d'origine", German name-first ("Name <a@b> schrieb am ..."),
"original message" separators, Outlook header blocks (bold `*From:*` too), date-only
headers ("2017-11-24 16:32 GMT+01:00 Name <a@b>:"), Android and Zoho "---- ... wrote ----",
and a header on the same line as the reply. Unlike the library, it never takes a list of
"- item" lines for a signature, keeps an answer written below the quote, and keeps whatever
follows a "Forwarded message" line.

When it is unsure (quoted "> " lines but no header to cut at) it keeps everything and says
so (Extracted.unsure); staff can always unfold the whole email.
"""

import re
from dataclasses import dataclass

from mailparser_reply.constants import MAIL_LANGUAGES

# The words of "X wrote:" per language (ours and the library's, for the same-line and
# name-first forms the library's patterns do not cover).
WROTE = {
    "en": r"wrote",
    "de": r"schrieb",
    "fr": r"a [ée]crit",
    "es": r"escribi[óo]",
    "pt": r"escreveu",
    "it": r"ha scritto",
    "nl": r"schreef",
    "pl": r"napisa[łl](?:\(a\)|a)?|nades[łl]a[łl]",
    "sv": r"skrev",  # also Norwegian and Danish
    "fi": r"kirjoitti",
    "ru": r"написал(?:\(а\)|а)?|пишет",
    "cs": r"napsal(?:\(a\)|a)?",
    "tr": r"yazd[ıi]",
    "zh": r"写道|寫道",
    "ko": r"작성하였습니다|작성했습니다",
}
# The words that open an attribution ("On <date>, <name> wrote:") per language.
OPENING = {
    "en": r"On",
    "de": r"Am",
    "fr": r"Le",
    "es": r"El",
    "pt": r"Em|No dia",
    "it": r"Il|In data",
    "nl": r"Op",
    "pl": r"W dniu|Dnia",
    "sv": r"Den|P[åa]|Tor|Ons|M[åa]n|Tis|Fre|L[öo]r|S[öo]n",
    "fi": r"(?:maanan|tiis|keskiviikko|tors|perjan|lauan|sunnun)taina|keskiviikkona",
    "cs": r"Dne",
}
# "Original message" separators: everything below is the quoted email.
ORIGINAL = (
    r"Original Message|Ursprüngliche Nachricht|Originalnachricht|Message d'origine|"
    r"Mensaje original|Mensagem original|Messaggio originale|Oorspronkelijk bericht|"
    r"Origineel bericht|Originalmeddelande|Ursprungligt meddelande|Oprindelig meddelelse|"
    r"Opprinnelig melding|Alkuperäinen viesti|Wiadomość oryginalna|Oryginalna wiadomość|"
    r"Исходное сообщение|Původní zpráva|Orijinal Mesaj|Reply message|Original"
)
# Forwarding separators: what follows is content the sender means us to read.
FORWARDED = re.compile(
    r"^[-=_ ]*(Forwarded message|Begin forwarded message|Weitergeleitete Nachricht|"
    r"Message transféré|Mensaje reenviado|Mensaje original reenviado|Mensagem encaminhada|"
    r"Messaggio inoltrato|Doorgestuurd bericht|Vidarebefordrat meddelande|"
    r"Videresendt (meddelelse|melding)|Välitetty viesti|Przekazana wiadomość|"
    r"Пересылаемое сообщение|Пересланное сообщение|Přeposlaná zpráva)\b.*$",
    re.I,
)
SEPARATOR = re.compile(rf"^\s*[-_=*]{{2,}}\s*({ORIGINAL})\s*[-_=*]{{2,}}\s*$", re.I)
# Header fields of an Outlook-style block, per language: From first, then the others.
FROM_FIELDS = r"From|Von|De|Van|Od|Från|Fra|Lähettäjä|От|Da|Afzender|Feladó|Kimden|Avsändare|Emisor"
SENT_FIELDS = (
    r"Sent|Gesendet|Envoyé(?: le)?|Enviado(?: el)?|Enviada|Verzonden|Wysłano|Wysłane|Skickat|"
    r"Sendt|Lähetetty|Отправлено|Inviato|Odesláno|Date|Datum|Fecha|Data|Päivämäärä|Дата"
)
OTHER_FIELDS = (
    SENT_FIELDS + r"|To|An|À|A|Para|Aan|Do|Till|Til|Vastaanottaja|Кому|Komu|Subject|Betreff|"
    r"Objet|Asunto|Assunto|Onderwerp|Temat|Ämne|Emne|Aihe|Тема|Oggetto|Předmět|Cc|Kopie|Kopia|"
    r"Копия"
)
FIELD = r"^[>\s]*[*_]*(?:{})[*_]*\s*:"
FROM_LINE = re.compile(FIELD.format(FROM_FIELDS), re.I)
OTHER_LINE = re.compile(FIELD.format(OTHER_FIELDS), re.I)
SENT_LINE = re.compile(FIELD.format(SENT_FIELDS) + r".*\d", re.I)
ADDRESS = r"[^\s<>()\[\]@]{1,64}@[^\s<>()\[\]@]{1,255}"
WROTE_ANY = "|".join(WROTE.values())
OPENING_ANY = "|".join(OPENING.values())
# One to three lines joined; each matches a whole attribution.
ATTRIBUTIONS = [
    # "On <date>, <name> wrote:" in each language; "--- On ... wrote:" (Yahoo) too.
    re.compile(rf"^-*\s*(?:{OPENING_ANY})\b.{{4,300}}?\s(?:{WROTE_ANY})\b[^\n]{{0,60}}[:：]\s*$"),
    # Name first: "Name <a@b> schrieb am 7. Dezember 2026 09:14:09 MEZ:", "... kirjoitti:".
    re.compile(rf"^[^\n]{{1,200}}?\s(?:{WROTE_ANY})\b[^\n]{{0,120}}[:：]\s*$"),
    # Date-only: "2017-11-24 16:32 GMT+01:00 Name <a@b>:", "24.11.2017 16:32, Name (a@b):".
    re.compile(
        rf"^[>\s]*\d{{1,4}}[-./]\d{{1,2}}[-./]\d{{1,4}}.{{0,200}}[<(]?{ADDRESS}[>)]?\s*[:：]\s*$"
    ),
    # Android, Zoho: "---- On Mon, 7 Dec 2026 Name <a@b> wrote ----".
    re.compile(rf"^-{{2,}}\s*.{{0,200}}\b(?:{WROTE_ANY})\b.{{0,40}}-{{2,}}\s*$"),
]
# An attribution after the reply on the same line: split there.
SAME_LINE = re.compile(
    rf"(?<=[^\s\->*_=])\s+(?=(?:{OPENING_ANY})\s[^\n]{{4,300}}?\s(?:{WROTE_ANY})\b[^\n]{{0,60}}[:：]\s*$)"
)
QUOTED = re.compile(r"^\s*>")
BARE = re.compile(r"^[\s>]+")
STARTS = re.compile(rf"^-*\s*(?:(?:{OPENING_ANY})\b|.{{0,80}}(?:\d|@))")
SIGNATURE = re.compile(r"^-- ?$")
SENT_FROM = re.compile(
    r"^(Sent from my|Sent from Mail for|Get Outlook for|Von meinem|Envoyé de mon|"
    r"Enviado desde mi|Enviado do meu|Inviato da|Verzonden vanaf mijn|Skickat från min|"
    r"Wysłane z mojego|Отправлено с)\b.{0,60}$",
    re.I,
)


@dataclass
class Extracted:
    text: str
    unsure: bool = False  # quoted lines kept: no header told where the quote begins


def _attribution(lines, i):
    """How many lines (1 to 3) from line i make a quote header, or 0."""
    line = lines[i]
    if SEPARATOR.match(line):
        return 1
    if (FROM_LINE.match(line) or OTHER_LINE.match(line)) and _header_block(lines, i):
        return 1
    # Wrapped over lines only from a line that starts like one (a date, an address, "On").
    sizes = (1, 2, 3) if STARTS.match(_bare(line)) else (1,)
    for size in sizes:
        joined = " ".join(_bare(part) for part in lines[i : i + size])
        if i + size > len(lines) or (size > 1 and not lines[i + size - 1].strip()):
            break
        if size > 1 and bool(QUOTED.match(lines[i + size - 1])) != bool(QUOTED.match(line)):
            break
        if len(joined) > 400:
            break
        if not joined.rstrip().endswith((":", "：", "-")):
            continue  # every attribution ends so: the patterns need not be tried
        if any(pattern.match(joined) for pattern in ATTRIBUTIONS):
            return size if _plausible(joined, lines[i + size :]) else 0
    return 0


def _bare(line):
    """A line without its quote marks and indentation (the patterns match from there)."""
    return BARE.sub("", line[:400]).rstrip()


def _plausible(joined, after):
    """An attribution names an address or a time of day ("On 3 December I wrote to you
    about this:" is the customer's own sentence); else it must stand above a quote."""
    if re.search(r"@|\d{1,2}[:.]\d{2}", joined):
        return True
    following = next((line for line in after if line.strip()), "")
    return bool(QUOTED.match(following))


def _header_block(lines, i):
    """Whether line i opens a block of header fields: a From field and another (Sent, Date,
    To, Subject...) among its lines, a value wrapped onto a line of its own allowed, and
    something only a header says: an address in From, or a date in Sent/Date ("From: the
    dashboard / To: the settings page" is a customer's sentence)."""
    froms, fields, loose, evidence = 0, 0, 0, False
    for line in lines[i : i + 10]:
        if FROM_LINE.match(line):
            froms += 1
            evidence |= "@" in line
        elif OTHER_LINE.match(line):
            fields += 1
            evidence |= bool(SENT_LINE.match(line))
        elif not line.strip() or re.fullmatch(r"\s*>\s*", line):
            if froms + fields:
                break
        else:
            loose += 1
            evidence |= bool(froms and not fields and "@" in line)  # the address wrapped
            if loose > 2:
                break
    return evidence and froms >= 1 and fields >= 1 and (froms + fields >= 3 or loose <= 1)


def _library_headers(text):
    """{line: lines it spans} of the quote headers the library's own patterns find (all
    its languages: ja, ko, zh and the others)."""
    found = {}
    for language in MAIL_LANGUAGES.values():
        pattern = language.get("wrote_header")
        if not pattern:
            continue
        pattern = "|".join(pattern) if isinstance(pattern, list) else pattern
        try:
            matches = list(re.finditer(pattern, text, re.M | re.I))
        except re.error:  # pragma: no cover - a pattern of a later version
            continue
        for match in matches:
            line = text.count("\n", 0, match.start())
            found.setdefault(line, match.group().count("\n") + 1)
    return found


def _without_signature(lines):
    for i, line in enumerate(lines):
        if SIGNATURE.match(line):
            lines = lines[:i]
            break
    while lines and (not lines[-1].strip() or SENT_FROM.match(lines[-1].strip())):
        lines = lines[:-1]
    return lines


def _below_the_quote(lines):
    """An answer written under the quoted lines (bottom-posting, or answers between them):
    the unquoted lines after the first quoted one, without the signature."""
    first = next((i for i, line in enumerate(lines) if QUOTED.match(line)), None)
    if first is None:
        return []
    rest = [line for line in lines[first:] if not QUOTED.match(line)]
    rest = _without_signature(rest)
    return rest if any(line.strip() for line in rest) else []


def extract(text):
    """Extracted: the new text of `text` (a reply's whole text)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for line in text.split("\n"):
        same_line = len(line) < 600 and not QUOTED.match(line)
        lines += SAME_LINE.split(line, maxsplit=1) if same_line else [line]
    library = _library_headers("\n".join(lines))
    cut, size = None, 0
    for i, line in enumerate(lines):
        if FORWARDED.match(line.strip()):
            break  # forwarded content is for us to read
        size = library.get(i) or _attribution(lines, i)
        if size:
            cut = i
            break
    if cut is None:
        kept = _without_signature(lines)
        unsure = sum(1 for line in kept if QUOTED.match(line)) >= 2
        return Extracted("\n".join(kept).strip() or text.strip(), unsure=unsure)
    above = _without_signature(lines[:cut])
    below = _below_the_quote(lines[cut + size :]) if _is_attribution(lines[cut]) else []
    kept = above + ([""] if above and below else []) + below
    new = "\n".join(kept).strip()
    return Extracted(new or text.strip(), unsure=not new)


def _is_attribution(line):
    """A "... wrote:" header (below which a quote in "> " lines may have answers under it),
    not an Outlook block or separator (below which the original follows unquoted)."""
    return not SEPARATOR.match(line) and not FROM_LINE.match(line)
