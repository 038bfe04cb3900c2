"""What the diary says over time: trends, relief, experiments and tolerance. No Qt here.

Everything returns plain dataclasses; :mod:`asmr_desktop.ui.charts` draws them and
:mod:`asmr_desktop.insights.report` writes them to a PDF.
"""
