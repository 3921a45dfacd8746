"""Background tasks (django-tasks): the same code runs on the database backend with a
`salespath jobs worker` process, inline with the immediate backend, or on any other backend
the TASKS setting names."""

from django_tasks import task


@task()
def send_delivery(delivery_id: int) -> str:
    from .services import delivery_send

    delivery = delivery_send(delivery_id=delivery_id)
    return delivery.state if delivery is not None else "skipped"


@task()
def send_robot_message(message_id: int) -> str:
    from .robots import robot_message_send

    message = robot_message_send(message_id=message_id)
    return message.state if message is not None else "skipped"
