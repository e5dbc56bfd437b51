"""Reporting: figures managers are judged by, read from the stored tasks (no models, reads only).

``metrics``: on-time closure, closure, rework and extension rates and mean handling time per unit or community.
"""
