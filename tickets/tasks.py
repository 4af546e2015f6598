from django.tasks import task

from tickets import emails


@task
def deliver_email(email_id):
    return emails.deliver(email_id)


@task
def send_ticket_links(email):
    from tickets.services import send_links

    return send_links(email)


@task
def process_inbound_email(inbound_id):
    from tickets import inbound

    return inbound.process(inbound_id)
