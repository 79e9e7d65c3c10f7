"""Guards against a PySide6 build that mis-counts references to None (PySide6 6.12.0 on Python 3.11).

Each void Qt call there dropped one reference to None; after a few thousand calls, an ordinary
session of the app ended in "Fatal Python error: none_dealloc".
"""

import sys

from PySide6.QtWidgets import QLabel


def test_void_qt_calls_do_not_drop_references_to_none(qapp):
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(500):
        label.setText("项目库")
        label.resize(100, 20)
    assert sys.getrefcount(None) - before > -50
