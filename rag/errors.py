"""Errors whose message is meant for the user: the CLI and UI print them as one line."""


class RagError(Exception):
    """A problem the user can act on; ``str(err)`` is a complete one-line message."""


class NoIndexError(RagError):
    """Nothing has been ingested yet."""


class StoreUnavailableError(RagError):
    """The Chroma server cannot be reached, or the local store cannot be opened."""


class LLMUnavailableError(RagError):
    """The language model cannot be loaded or reached."""


class ModelChecksumError(LLMUnavailableError):
    """A model file does not match its expected checksum."""
