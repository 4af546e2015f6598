"""The SMTP mailer (MAILERS when EMAIL_HOST is set): Django's, plus SMTPUTF8 (RFC 6531) for
internationalised addresses (`jörg@müller.example`), which Django's backend refuses.

An email whose addresses are all ASCII before the @ goes out exactly as Django sends it
(IDNA-encoded domains). One with a non-ASCII local part goes out with SMTPUTF8 when the
server offers it (UTF-8 headers, the addresses as written); when it does not, Unsendable:
such mail cannot be written any other way, so no retry would help."""

import email.policy
import smtplib

from django.core.mail.backends import smtp

from mail import transport


class EmailBackend(smtp.EmailBackend):
    smtputf8 = True  # mail.transport.send lets internationalised addresses through

    def _send(self, email_message):
        if not email_message.recipients() or not transport.international(email_message):
            return super()._send(email_message)
        self.connection.ehlo_or_helo_if_needed()
        if not self.connection.has_extn("smtputf8"):
            found = transport.international(email_message)[0]
            why = "the mail server (EMAIL_HOST) does not offer"
            raise transport.Unsendable(transport.NO_SMTPUTF8.format(address=found, why=why))
        sender = self.prep_address(email_message.from_email, force_ascii=False)
        recipients = [self.prep_address(a, force_ascii=False) for a in email_message.recipients()]
        message = email_message.message(policy=email.policy.SMTPUTF8)
        options = ["SMTPUTF8"] + (["BODY=8BITMIME"] if self.connection.has_extn("8bitmime") else [])
        try:
            self.connection.sendmail(sender, recipients, message.as_bytes(), mail_options=options)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
