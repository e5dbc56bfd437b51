"""Layer exports written in the background: asked for (``services``), built by a Celery task (``build``, with the
photos zip of ``archive``), read by their owner only (``selectors``), and removed after EXPORT_KEEP_DAYS
(``expiry``)."""
