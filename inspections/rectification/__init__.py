"""Rectification: from a finding's task to its verified fix (立案 → 派遣 → 处置 → 反馈 → 核查 → 结案).

- ``workflow``: the move table (who may make which move from which status, and what each move asks for);
- ``tasks``: the task services (register, transition, deadlines); ``geofence``: where a fix counts as on site;
- ``queues``: the managers' and units' work lists; ``workdays``: the official working-day calendar with 调休, and
  ``calendar`` / ``calendar_admin``: the days the office enters;
- ``notifications``: telling people (in-app, e-mail, group robots); ``jobs``: the periodic job (Celery beat or
  cron) that gives waiting tasks their deadlines and sends reminders and escalations.
"""
