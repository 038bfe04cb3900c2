"""Layouts that never clip text: rows that wrap, dialogs sized to what they hold.

A row of buttons in a QHBoxLayout is squeezed below its texts once the window is narrower
than the row (at 2x on a 1280x720 screen the window is 640 logical pixels wide: History's
"Delete rating" read "Delete ratinc"). :class:`FlowLayout` wraps instead. Qt also sizes a
new dialog to at most two thirds of the screen, below the height its wrapped labels need;
:func:`fit_to_screen` gives it its full height where the screen has room.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog, QFrame, QLayout, QLayoutItem, QScrollArea, QWidget

#: A dialog never grows past this share of the screen's height; beyond it, it scrolls.
MAX_SCREEN_SHARE = 0.9


class FlowLayout(QLayout):
    """Widgets side by side at their preferred width, wrapping onto a new row when needed.

    Qt's own flow-layout example, typed: every item keeps its size hint, so no text is ever
    squeezed; the height follows the width (heightForWidth).
    """

    def __init__(self, parent: QWidget | None = None, *, spacing: int = 10) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(spacing)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt's name
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt's name
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt's name
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt's name
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt's name
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """All in one row."""
        width = sum(item.sizeHint().width() for item in self._visible())
        width += self.spacing() * max(len(self._visible()) - 1, 0)
        height = max((item.sizeHint().height() for item in self._visible()), default=0)
        margins = self.contentsMargins()
        return QSize(
            width + margins.left() + margins.right(), height + margins.top() + margins.bottom()
        )

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt's name
        """As wide as the widest item: narrower would clip it."""
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.sizeHint())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _visible(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, row_height = area.x(), area.y(), 0
        spacing = self.spacing()
        for item in self._visible():
            hint = item.sizeHint()
            if x > area.x() and x + hint.width() > area.right() + 1:
                x, y, row_height = area.x(), y + row_height + spacing, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + spacing
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y() + margins.bottom()


class Scroller(QScrollArea):
    """A frameless area that scrolls vertically once the screen is too short.

    Where its body holds controls that take focus, the area itself takes none: it would be
    one more Tab stop, drawing its focus ring round the whole page or prompt, and it keeps
    the focused control in view anyway (QScrollArea.focusNextPrevChild). A body of text
    alone keeps the area focusable, so the arrow keys still scroll it. Bodies are filled
    after they are wrapped, so this is decided when the area is shown.
    """

    def __init__(self, body: QWidget) -> None:
        super().__init__()
        self.setWidget(body)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        body = self.widget()
        holds_controls = body is not None and any(
            child.focusPolicy() & Qt.FocusPolicy.TabFocus for child in body.findChildren(QWidget)
        )
        self.setFocusPolicy(
            Qt.FocusPolicy.NoFocus if holds_controls else Qt.FocusPolicy.StrongFocus
        )
        super().showEvent(event)


def scrolling(body: QWidget) -> QScrollArea:
    """``body`` in a :class:`Scroller`."""
    return Scroller(body)


def fit_to_screen(dialog: QDialog, scroller: QScrollArea | None = None) -> None:
    """Give ``dialog`` the height its content needs at its width (wrapped labels included),
    at most :data:`MAX_SCREEN_SHARE` of the screen: Qt's first size may be two thirds of the
    screen, squeezing rows. A ``scroller`` in the dialog counts with all of its content."""
    layout = dialog.layout()
    if layout is None:
        return
    layout.activate()
    screen = dialog.screen().availableGeometry()
    width = min(max(dialog.sizeHint().width(), dialog.minimumWidth()), screen.width())
    if layout.hasHeightForWidth():
        height = layout.totalHeightForWidth(width)
    else:
        height = layout.totalSizeHint().height()
    limit = int(screen.height() * MAX_SCREEN_SHARE)
    body = scroller.widget() if scroller is not None else None
    if scroller is not None and body is not None:
        margins = layout.contentsMargins()
        frame = 2 * scroller.frameWidth()
        inner = width - margins.left() - margins.right() - frame
        needed = body.heightForWidth(inner) if body.hasHeightForWidth() else -1
        needed = needed if needed >= 0 else body.sizeHint().height()
        height += max(0, needed + frame - scroller.sizeHint().height())
    else:
        dialog.setMinimumHeight(min(height, limit))  # nothing scrolls: never shorter
    dialog.resize(width, min(height, limit))
