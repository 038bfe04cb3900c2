"""The ground floor: errors, safety numbers, defaults, paths, file writing, store, settings.

Imports nothing else of the app. Every other package stands on it.
"""
