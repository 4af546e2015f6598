"""The HTML alternative of customer and subscriber emails: made from the text, escaped,
branded from settings, one layout (issue 25, item 4)."""

import pytest
from django.core import mail

from mail import transport
from mail.html import alternative, to_html
from tests.tickets.links import link_in
from tickets import emails, services


def _html(message):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def test_text_conventions_become_html_and_everything_is_escaped():
    html = to_html(
        "Hi <b>Dana</b>,\n\nSee https://example.com/a?b=1&c=2.\n\n"
        "- one\n  more\n- two\n\n----\nDana, 7 Dec:\n> <script>x</script>\n"
        "\nhttps://help.example.com/support/tickets/abc/"
    )
    assert "<p>Hi &lt;b&gt;Dana&lt;/b&gt;,</p>" in html
    assert '<a href="https://example.com/a?b=1&amp;c=2">https://example.com/a?b=1&amp;c=2</a>.' in (
        html
    )
    assert "<ul" in html and "<li>one<br>more</li><li>two</li>" in html
    assert '<hr class="rule">' in html
    assert '<blockquote class="quote"><p>&lt;script&gt;x&lt;/script&gt;</p></blockquote>' in html
    assert 'class="button" href="https://help.example.com/support/tickets/abc/"' in html
    assert "<script>" not in html


def test_a_link_cannot_break_out_of_its_attribute():
    html = to_html('https://example.com/"onmouseover="x')
    assert 'onmouseover="x' not in html and "&quot;" not in html.split('href="')[1][:25]


def test_the_layout_carries_the_brand_from_settings_with_styles_inline(settings):
    settings.EMAIL_BRAND = {
        **settings.EMAIL_BRAND,
        "name": "Acme Cloud",
        "logo_url": "https://cdn.example.com/logo.png",
        "color": "#aa3300",
        "footer_lines": ["Acme Cloud Ltd", "1 Main Street"],
        "url": "https://acme.example",
    }
    html = alternative("Hello.", subject="[HC-000001] Hi")
    assert 'src="https://cdn.example.com/logo.png" alt="Acme Cloud"' in html
    assert "border-bottom: 4px solid #aa3300" in html  # inline, from the <style> block
    assert "Acme Cloud Ltd<br>1 Main Street" in html and 'href="https://acme.example"' in html
    assert "@media (prefers-color-scheme: dark)" in html  # kept for clients that read it
    assert '<meta name="color-scheme" content="light dark">' in html
    assert "<title>[HC-000001] Hi</title>" in html


def test_a_colour_that_is_not_one_is_refused_at_start(monkeypatch):
    from helpcenter.settings import mail as mail_settings

    monkeypatch.setenv("EMAIL_BRAND_COLOR", "red;}body{display:none")
    with pytest.raises(ValueError, match="EMAIL_BRAND_COLOR must be a colour"):
        mail_settings._colour("EMAIL_BRAND_COLOR", "#000000")


def test_only_branded_messages_have_an_html_alternative():
    plain = transport.message(to=["a@example.com"], subject="S", body="B")
    assert plain.alternatives == []
    branded = transport.message(to=["a@example.com"], subject="S", body="B", branded=True)
    assert "<p" in _html(branded) and branded.body == "B"


def test_customer_emails_have_the_html_alternative_and_staff_emails_do_not(make_ticket, agent):
    ticket = make_ticket(description="It <stops>.")
    services.staff_update(ticket, actor=agent, reply="Please update.")
    assert emails.deliver(ticket.emails.get(kind="staff_reply").pk) == "sent"
    customer = mail.outbox[-1]
    html = _html(customer)
    link = link_in(customer.body)
    assert f'{link}" style=' in html  # the link as minted for this email, in both parts
    assert "Please update." in html and "It &lt;stops&gt;." in html  # quoted, escaped
    assert emails.deliver(ticket.emails.get(kind="staff_new_ticket").pk) == "sent"
    assert mail.outbox[-1].alternatives == []
