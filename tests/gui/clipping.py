"""Find text a person cannot read in full: clipped by its widget or elided by Qt.

Generic: :func:`clipped_texts` walks every visible widget of a window or dialog and measures
each text with the widget's own QFontMetrics against the rectangle the style really gives
it (the stylesheet's padding and borders included), for labels, buttons, check boxes, radio
buttons, combo boxes (every item), spin and date boxes, tab titles and group box titles.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QStyleOptionGroupBox,
    QTabBar,
    QWidget,
)

#: A pixel of rounding between the metrics and the style's rectangles is not a clip.
SLACK_PX = 1


@dataclass(frozen=True)
class Clip:
    """One text that does not fit: where, what, and by how much."""

    widget: str
    text: str
    needed: tuple[int, int]
    given: tuple[int, int]

    def __str__(self) -> str:
        return f"{self.widget} {self.text!r}: needs {self.needed}, has {self.given}"


def _name(widget: QWidget) -> str:
    name = widget.objectName()
    return f"{type(widget).__name__}({name})" if name else type(widget).__name__


def _lines_size(fm: QFontMetrics, text: str) -> tuple[int, int]:
    lines = text.replace("&&", "\0").replace("&", "").replace("\0", "&").split("\n")
    width = max(fm.horizontalAdvance(line) for line in lines)
    return width, fm.height() * len(lines)


def _visible(widget: QWidget, root: QWidget) -> bool:
    return widget.isVisibleTo(root) and widget.width() > 0 and widget.height() > 0


def _check_label(label: QLabel) -> Clip | None:
    text = label.text()
    if not text or (label.pixmap() is not None and not label.pixmap().isNull()):
        return None
    rect = label.contentsRect()
    margin = label.margin()
    rect = rect.adjusted(margin, margin, -margin, -margin)
    if label.indent() > 0:
        rect.setLeft(rect.left() + label.indent())
    if label.wordWrap() or label.textFormat() == Qt.TextFormat.RichText or "<" in text:
        needed_h = label.heightForWidth(label.width())
        if needed_h < 0:
            needed_h = label.sizeHint().height()
        if needed_h > label.height() + SLACK_PX:
            return Clip(_name(label), text, (rect.width(), needed_h), (rect.width(), rect.height()))
        if not label.wordWrap():
            needed_w = label.minimumSizeHint().width()
            if needed_w > label.width() + SLACK_PX:
                return Clip(
                    _name(label), text, (needed_w, needed_h), (label.width(), label.height())
                )
        return None
    width, height = _lines_size(label.fontMetrics(), text)
    if width > rect.width() + SLACK_PX or height > rect.height() + SLACK_PX:
        return Clip(_name(label), text, (width, height), (rect.width(), rect.height()))
    return None


def _button_text_rect(button: QAbstractButton) -> QRect:
    option = QStyleOptionButton()
    button.initStyleOption(option)  # type: ignore[attr-defined]
    style = button.style()
    if isinstance(button, QCheckBox):
        return style.subElementRect(QStyle.SubElement.SE_CheckBoxContents, option, button)
    if isinstance(button, QRadioButton):
        return style.subElementRect(QStyle.SubElement.SE_RadioButtonContents, option, button)
    return style.subElementRect(QStyle.SubElement.SE_PushButtonContents, option, button)


def _check_button(button: QAbstractButton) -> Clip | None:
    text = button.text()
    if not text or not isinstance(button, QPushButton | QCheckBox | QRadioButton):
        return None
    rect = _button_text_rect(button)
    width, height = _lines_size(button.fontMetrics(), text)
    if not button.icon().isNull() and isinstance(button, QPushButton):
        width += button.iconSize().width() + 4
    if width > rect.width() + SLACK_PX or height > rect.height() + SLACK_PX:
        return Clip(_name(button), text, (width, height), (rect.width(), rect.height()))
    return None


def _check_combo(combo: QComboBox) -> list[Clip]:
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    rect = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    fm = combo.fontMetrics()
    clips = []
    for index in range(combo.count()):
        text = combo.itemText(index)
        width = fm.horizontalAdvance(text)
        if not combo.itemIcon(index).isNull():
            width += combo.iconSize().width() + 4
        if width > rect.width() + SLACK_PX or fm.height() > rect.height() + SLACK_PX:
            clips.append(
                Clip(_name(combo), text, (width, fm.height()), (rect.width(), rect.height()))
            )
    return clips


def _check_spin(spin: QAbstractSpinBox) -> Clip | None:
    edit = spin.lineEdit()
    if edit is None:
        return None
    text = edit.text()
    fm = edit.fontMetrics()
    rect = edit.contentsRect()
    margins = edit.textMargins()
    # QLineEdit keeps 2 px on each side of its text (its horizontalMargin).
    available = rect.width() - margins.left() - margins.right() - 4
    width = fm.horizontalAdvance(text)
    if width > available + SLACK_PX or fm.height() > rect.height() + SLACK_PX:
        return Clip(_name(spin), text, (width, fm.height()), (available, rect.height()))
    return None


def _check_tabs(bar: QTabBar) -> list[Clip]:
    clips = []
    for index in range(bar.count()):
        if not bar.isTabVisible(index):
            continue
        wanted = bar.tabSizeHint(index)
        got = bar.tabRect(index)
        if wanted.width() > got.width() + SLACK_PX or wanted.height() > got.height() + SLACK_PX:
            clips.append(
                Clip(
                    _name(bar),
                    bar.tabText(index),
                    (wanted.width(), wanted.height()),
                    (got.width(), got.height()),
                )
            )
    return clips


def _check_group(box: QGroupBox) -> Clip | None:
    if not box.title():
        return None
    option = QStyleOptionGroupBox()
    box.initStyleOption(option)
    rect = box.style().subControlRect(
        QStyle.ComplexControl.CC_GroupBox, option, QStyle.SubControl.SC_GroupBoxLabel, box
    )
    rect = rect.intersected(box.rect())
    width, height = _lines_size(box.fontMetrics(), box.title())
    if width > rect.width() + SLACK_PX or height > rect.height() + SLACK_PX:
        return Clip(_name(box), box.title(), (width, height), (rect.width(), rect.height()))
    return None


def _clipped_by_parents(widget: QWidget, root: QWidget) -> Clip | None:
    """A widget that its parent (or the window) cuts off is clipped whatever it holds."""
    rect = QRect(widget.mapTo(root, widget.rect().topLeft()), widget.size())
    parent = widget.parentWidget()
    while parent is not None:
        grand = parent.parentWidget()
        if isinstance(grand, QAbstractScrollArea) and grand.viewport() is parent:
            return None  # a person scrolls to it
        visible = QRect(parent.mapTo(root, parent.rect().topLeft()), parent.size())
        if not visible.contains(rect):
            cut = visible.intersected(rect)
            return Clip(
                f"{_name(widget)} in {_name(parent)}",
                _text_of(widget),
                (rect.width(), rect.height()),
                (cut.width(), cut.height()),
            )
        if parent is root:
            return None
        parent = grand
    return None


def _text_of(widget: QWidget) -> str:
    if isinstance(widget, QLabel | QAbstractButton):
        return widget.text()
    if isinstance(widget, QGroupBox):
        return widget.title()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    return ""


def clipped_texts(root: QWidget) -> list[Clip]:
    """Every visible text under ``root`` that does not fit where it is drawn."""
    clips: list[Clip] = []
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if not _visible(widget, root) or (widget is not root and not widget.isVisibleTo(root)):
            continue
        if widget.window() is not root.window():
            continue  # a menu, a tooltip or a popup: its own window
        if _text_of(widget) and widget is not root:
            outer = _clipped_by_parents(widget, root)
            if outer is not None:
                clips.append(outer)
                continue
        if isinstance(widget, QLabel):
            found = _check_label(widget)
            clips.extend([found] if found else [])
        elif isinstance(widget, QAbstractButton):
            found = _check_button(widget)
            clips.extend([found] if found else [])
        elif isinstance(widget, QComboBox):
            clips.extend(_check_combo(widget))
        elif isinstance(widget, QAbstractSpinBox):
            found = _check_spin(widget)
            clips.extend([found] if found else [])
        elif isinstance(widget, QTabBar):
            clips.extend(_check_tabs(widget))
        elif isinstance(widget, QGroupBox):
            found = _check_group(widget)
            clips.extend([found] if found else [])
    return clips
