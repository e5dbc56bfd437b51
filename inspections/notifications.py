"""Telling people about task moves: in-app notifications, e-mail and unit webhooks (being written)."""


def notify_move(event_id: int) -> None:
    """Called after the commit of each task move."""
