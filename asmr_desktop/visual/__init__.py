"""Slow, dim, flash-free visuals drawn with numpy, and the analyser that proves them safe.

No Qt here: ``ui/visual.py`` shows these frames; ``asmr-desktop frames`` writes them.
"""
