"""The audio engine: sources are rendered through one chain; pygame only plays the result."""
