from django.tasks import task

from tickets import emails


@task
def deliver_email(email_id):
    return emails.deliver(email_id)
