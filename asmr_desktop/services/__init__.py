"""The app's rules, Qt-free: the listening session and the prompt queue.

The window (ui/) binds to these; tests and the command line drive them without Qt.
"""
