"""The REST API of inspections (an adapter, under ``/api/``): inspections, findings, photos, tasks and their moves,
metrics and notifications. Views check input with serializers and call the services; every list is scoped to the
caller by the selectors."""
