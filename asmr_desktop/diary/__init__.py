"""The session diary: every session recorded from its start, rated after, never lost."""
