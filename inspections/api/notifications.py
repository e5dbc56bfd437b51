"""`/api/notifications/`: the caller's own notifications, rendered in the request's language, and marking them read."""

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from geo.api.filters import BooleanFilter
from inspections.models import Notification
from inspections.rectification.notifications.inbox import (
    notification_mark_read,
    notifications_for_user,
    notifications_mark_all_read,
)
from inspections.rectification.notifications.occurrences import key_deadline
from inspections.rectification.notifications.texts import message_for, task_path


class NotificationFilter(django_filters.FilterSet):
    # Not a choice among all tasks: a foreign task's id and a random one must answer alike (an empty page).
    task = django_filters.UUIDFilter(field_name="task", help_text="A task's id: its notifications, if any are yours.")
    unread = BooleanFilter(
        method="filter_unread", help_text="`true`: only the unread ones; `false`: only those already read."
    )

    class Meta:
        model = Notification
        fields = ["event", "task"]

    def filter_unread(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(read_at__isnull=value)


class NotificationSerializer(serializers.ModelSerializer):
    event_display = serializers.CharField(source="get_event_display", read_only=True)
    title = serializers.SerializerMethodField(help_text="In the request's language.")
    text = serializers.SerializerMethodField(help_text="In the request's language.")
    task_url = serializers.SerializerMethodField(help_text="The task's page.")
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "event",
            "event_display",
            "title",
            "text",
            "task",
            "task_url",
            "created_at",
            "read_at",
            "unread",
        ]
        read_only_fields = fields

    def _message(self, notification):
        cache = self.context.setdefault("messages", {})
        if notification.pk not in cache:
            cache[notification.pk] = message_for(
                notification.event, notification.task, deadline=key_deadline(notification.key)
            )
        return cache[notification.pk]

    def get_title(self, notification) -> str:
        return self._message(notification).title

    def get_text(self, notification) -> str:
        return self._message(notification).text

    def get_task_url(self, notification) -> str:
        request = self.context.get("request")
        path = task_path(notification.task)
        return request.build_absolute_uri(path) if request else path

    def get_unread(self, notification) -> bool:
        return notification.read_at is None


@extend_schema_view(
    list=extend_schema(summary="The caller's notifications, newest first"),
)
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's own notifications (new task, deadline approaching, overdue, fix rejected), newest first, each
    with its title and text in the request's language (`Accept-Language`)."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    ordering_fields = ["created_at", "read_at"]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return notifications_for_user(self.request.user)

    @extend_schema(
        request=None,
        responses={200: NotificationSerializer, 404: OpenApiResponse(description="No such notification for you.")},
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark one notification read (again: no change)."""
        notification = notification_mark_read(user=request.user, notification_id=int(pk))
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        request=None,
        responses={200: inline_serializer("NotificationsReadAll", {"marked": serializers.IntegerField()})},
    )
    @action(detail=False, methods=["post"], url_path="read-all", filterset_class=None, pagination_class=None)
    def read_all(self, request):
        """Mark all of the caller's unread notifications read; answers how many were unread."""
        return Response({"marked": notifications_mark_all_read(user=request.user)})
