class ImportRefused(ValueError):
    """The file as a whole cannot be imported; the message says why and what to do."""
