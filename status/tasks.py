"""Status work for the task worker (django.tasks; ids as arguments, never instances)."""

from django.tasks import task

from status import delivery, services


@task
def fan_out_notification(notification_id):
    return delivery.fan_out(notification_id)


@task
def send_deliveries(delivery_ids):
    return delivery.send(delivery_ids)


@task
def tick():
    return services.tick()
