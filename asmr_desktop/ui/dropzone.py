"""A drop target that shows it is one: highlighted while files are dragged over it.

An event filter, so any widget that accepts dropped files (the playlist, the Play page)
gets the highlight without changing its own drag-and-drop code. The look is the theme's
``QWidget[dropTarget="true"]`` rule.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QDragEnterEvent
from PySide6.QtWidgets import QWidget

PROPERTY = "dropTarget"


class DropHighlight(QObject):
    """Sets :data:`PROPERTY` on the watched widget while a drag with files is over it."""

    def __init__(self, target: QWidget) -> None:
        super().__init__(target)
        self._target = target
        # A plain QWidget paints a stylesheet's border and background only with this.
        target.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        target.installEventFilter(self)

    @property
    def highlighted(self) -> bool:
        return bool(self._target.property(PROPERTY))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Type.DragEnter and isinstance(event, QDragEnterEvent):
            self._set(event.mimeData().hasUrls())
        elif kind in (QEvent.Type.DragLeave, QEvent.Type.Drop):
            self._set(False)
        return False  # the widget still handles the drag itself

    def _set(self, on: bool) -> None:
        if self.highlighted == on:
            return
        self._target.setProperty(PROPERTY, on)
        style = self._target.style()
        style.unpolish(self._target)
        style.polish(self._target)
        self._target.update()


def highlight_drops(*targets: QWidget) -> list[DropHighlight]:
    """Give each of ``targets`` its highlight (kept alive by the widget it watches)."""
    return [DropHighlight(target) for target in targets]
