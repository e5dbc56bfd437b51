class BackupError(Exception):
    """A backup or restore that cannot go on; the message (translated) says why and what to do."""
