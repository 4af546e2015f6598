"""Where the customer stopped writing (mail.inbound.replies): per language and per mail
client, the quote header as they write it, and the text that must remain visible."""

import pytest

from mail.inbound.replies import extract

QUOTE = "> Which SDK version do you use?\n"

# (language or client, the email's text, the visible text expected)
REPLIES = [
    (
        "en",
        "Thanks, it works.\n\nOn Mon, Dec 7, 2026 at 9:14 AM Ada <a@example.com> wrote:\n" + QUOTE,
        "Thanks, it works.",
    ),
    (
        "nl",
        "Dank je, het werkt.\n\nOp ma 7 dec. 2026 om 09:14 schreef Ada <a@example.com>:\n" + QUOTE,
        "Dank je, het werkt.",
    ),
    (
        "pl",
        "Dziękuję, działa.\n\nW dniu 7.12.2026 o 09:14, Ada napisał:\n" + QUOTE,
        "Dziękuję, działa.",
    ),
    (
        "sv",
        "Tack, det fungerar.\n\nDen 7 dec. 2026 kl. 09:14 skrev Ada <a@example.com>:\n" + QUOTE,
        "Tack, det fungerar.",
    ),
    (
        "no",
        "Takk, det virker.\n\nman. 7. des. 2026 kl. 09:14 skrev Ada <a@example.com>:\n" + QUOTE,
        "Takk, det virker.",
    ),
    (
        "da",
        "Tak, det virker.\n\nDen 7. dec. 2026 kl. 09.14 skrev Ada <a@example.com>:\n" + QUOTE,
        "Tak, det virker.",
    ),
    (
        "pt",
        "Obrigado, funcionou.\n\nEm seg., 7 de dez. de 2026 às 09:14, Ada <a@example.com> "
        "escreveu:\n" + QUOTE,
        "Obrigado, funcionou.",
    ),
    (
        "fi",
        "Kiitos, toimii.\n\nAda <a@example.com> kirjoitti 7.12.2026 klo 9.14:\n" + QUOTE,
        "Kiitos, toimii.",
    ),
    (
        "ru",
        "Спасибо, работает.\n\n07.12.2026 09:14 пользователь Ada (a@example.com) написал:\n"
        + QUOTE,
        "Спасибо, работает.",
    ),
    (
        "it",
        "Grazie, funziona.\n\nIn data 7 dicembre 2026 09:14, Ada <a@example.com> ha "
        "scritto:\n" + QUOTE,
        "Grazie, funziona.",
    ),
    (
        "fr",
        "Merci, ça marche.\n\nLe lun. 7 déc. 2026 à 09:14, Ada <a@example.com> a écrit :\n" + QUOTE,
        "Merci, ça marche.",
    ),
    (
        "fr, Outlook, split",
        "Merci, ça marche.\n\nDe : Ada\n<a@example.com>\nEnvoyé : lundi 7 "
        "décembre 2026 09:14\nÀ : Jean\nObjet : RE: Question\n\nQuelle version ?\n",
        "Merci, ça marche.",
    ),
    (
        "fr, Message d'origine",
        "Merci.\n\n-------- Message d'origine --------\nDe : Ada "
        "<a@example.com>\nDate : 07/12/2026 09:14\n\nQuelle version ?\n",
        "Merci.",
    ),
    (
        "de, name first",
        "Danke, geht jetzt.\n\nAda <a@example.com> schrieb am 7. Dezember 2026 "
        "09:14:09 MEZ:\n>Welche Version?\n",
        "Danke, geht jetzt.",
    ),
    (
        "de, Ursprüngliche Nachricht",
        "Danke.\n\n-----Ursprüngliche Nachricht-----\nVon: Ada "
        "[mailto:a@example.com]\nGesendet: Montag, 7. Dezember 2026 09:14\nAn: Max\nBetreff: "
        "Frage\n\nWelche Version?\n",
        "Danke.",
    ),
    (
        "es, Outlook",
        "Gracias.\n\nDe: Ada [mailto:a@example.com]\nEnviado el: lunes, 7 de "
        "diciembre de 2026 9:14\nPara: Juan\nAsunto: RE: x\n\nHola\n",
        "Gracias.",
    ),
    (
        "ja",
        "ありがとう。\n\n2026年12月7日(月) 9:14 Ada <a@example.com>:\n> どのバージョン？\n",
        "ありがとう。",
    ),
    (
        "date only",
        "Thanks.\n\n2017-11-24 16:32 GMT+01:00 Ada <a@example.com>:\n" + QUOTE,
        "Thanks.",
    ),
    (
        "Android, Zoho",
        "Thanks.\n\n---- On Mon, 07 Dec 2026 09:14:09 +0100 Ada <a@example.com> "
        "wrote ----\nWhich version?\n",
        "Thanks.",
    ),
    (
        "Outlook, bold",
        "Thanks.\n\n*From:* Ada <a@example.com>\n*Sent:* Monday, December 7, "
        "2026 9:14 AM\n*To:* Grace\n*Subject:* RE: Question\n\nWhich version?\n",
        "Thanks.",
    ),
    (
        "Outlook, quoted, Subject first",
        "Hello\n\n> Subject: Test\n> From: a@example.com\n> To: "
        "b@example.com\n> Date: Mon, 2 Apr 2012 17:44:22 +0400\n>\n> Hi\n",
        "Hello",
    ),
    (
        "cs",
        "Díky, funguje to.\n\nDne 7. 12. 2026 v 9:14 Ada <a@example.com> napsal(a):\n" + QUOTE,
        "Díky, funguje to.",
    ),
    (
        "zh",
        "谢谢，可以了。\n\n2026年12月7日 09:14，Ada <a@example.com> 写道：\n> 哪个版本？\n",
        "谢谢，可以了。",
    ),
    (
        "ko",
        "감사합니다.\n\n2026년 12월 7일 (월) 오전 9:14, Ada <a@example.com>님이 작성하였습니다:\n"
        + QUOTE,
        "감사합니다.",
    ),
    (
        "GMX, Web.de",
        'Danke!\n\nGesendet: Montag, 07. Dezember 2026 um 09:14 Uhr\nVon: "Ada" '
        "<a@example.com>\nAn: max@web.de\nBetreff: Frage\n\nWelche Version?\n",
        "Danke!",
    ),
    (
        "Thunderbird",
        "Thanks.\n\nOn 07.12.26 09:14, Ada wrote:\n" + QUOTE,
        "Thanks.",
    ),
    (
        "Apple Mail, attribution inside the quote",
        "Hello\n> On 22 Aug 2015, at 19:21, Ada <a@example.com> wrote:\n>\n> Hi there!\n",
        "Hello",
    ),
    (
        "Yahoo",
        "Hello\n\n--- On Wed, 4/4/12, Ada <a@example.com> wrote:\n\nFrom: Ada\n\nHi\n",
        "Hello",
    ),
    (
        "tr",
        "Teşekkürler, çalışıyor.\n\nAda <a@example.com>, 7 Ara 2026 Pzt, 09:14 tarihinde şunu "
        "yazdı:\n" + QUOTE,
        "Teşekkürler, çalışıyor.",
    ),
    (
        "tr, Orijinal Mesaj",
        "Teşekkürler.\n\n-----Orijinal Mesaj-----\nKimden: Ada <a@example.com>\n"
        "Gönderildi: 7 Aralık 2026 Pazartesi 09:14\nKime: b@example.com\nKonu: Soru\n\nHangi?\n",
        "Teşekkürler.",
    ),
    (
        "header on the reply's line",
        "Thanks, that works! On Mon, Dec 7, 2026 at 9:14 AM Ada <a@example.com> wrote:\n" + QUOTE,
        "Thanks, that works!",
    ),
]


@pytest.mark.parametrize(("case", "text", "visible"), REPLIES, ids=[r[0] for r in REPLIES])
def test_the_quoted_history_goes_in_every_language_and_client(case, text, visible):
    found = extract(text)
    assert (found.text, found.unsure) == (visible, False)


def test_a_list_of_steps_is_no_signature():
    text = "Hello,\n\nSteps to reproduce:\n- open the app\n- click Save\n- nothing happens\n"
    assert extract(text).text == text.strip()


def test_the_signature_after_the_delimiter_goes():
    text = "The export fails.\n\n-- \nGrace Hopper\nACME Corp\n"
    assert extract(text).text == "The export fails."


def test_an_answer_below_the_quote_is_kept():
    text = (
        "On Mon, Dec 7, 2026 at 9:14 AM Ada <a@example.com> wrote:\n"
        + QUOTE
        + "\nVersion 2.3, on Linux.\n\n-- \nGrace\n"
    )
    assert extract(text).text == "Version 2.3, on Linux."
    text = "Short answers below.\n\nOn Mon, Dec 7, 2026, Ada <a@example.com> wrote:\n" + (
        "> Which version?\n2.3\n> Which system?\nLinux\n"
    )
    assert extract(text).text == "Short answers below.\n\n2.3\nLinux"


def test_forwarded_content_is_kept():
    text = (
        "Please see below.\n\n---------- Forwarded message ---------\nFrom: Bob "
        "<bob@example.com>\nDate: Mon, 7 Dec 2026\nSubject: Broken\nTo: Grace\n\nIt is broken.\n"
    )
    assert extract(text).text == text.strip()


def test_quoted_lines_without_a_header_are_kept_and_marked():
    text = "I agree with this:\n> the button is gone\n> since the update\nPlease fix.\n"
    found = extract(text)
    assert (found.text, found.unsure) == (text.strip(), True)


def test_a_sentence_that_ends_in_wrote_is_not_a_quote_header():
    text = "My colleague wrote:\nthe bill is wrong.\nCan you check?"
    assert extract(text).text == text


def test_a_long_line_of_spaces_takes_no_time():
    import time

    started = time.perf_counter()
    extract(("x" + " " * 480 + "\n") * 200 + ("1" * 400 + "@\n") * 200)
    assert time.perf_counter() - started < 2  # a guard against runaway patterns


@pytest.mark.parametrize(
    "text",
    [
        "Hi, I wrote to you on 3 December about the export bug:\nit still fails with 500.",
        "From: the dashboard\nTo: the settings page\n\nthe link is broken.",
        "Ana and I tried again:\nno luck.",
    ],
)
def test_the_customers_own_sentences_are_no_quote_headers(text):
    assert extract(text).text == text
