"""Can Qt open the display? Run as `python -m turnstile.gui.display` by `turnstile check`.

A separate process, because Qt ends the process (it does not raise) when its platform plugin
cannot load; the check reads the exit code and Qt's last words instead.
"""

from __future__ import annotations

import sys

from turnstile.gui import release_qt_env


def main() -> int:
    release_qt_env()
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv[:1])
    screen = app.primaryScreen()
    if screen is None:
        print("Qt started but found no screen", file=sys.stderr)
        return 1
    size = screen.geometry()
    print(f"{app.platformName()}, {size.width()}x{size.height()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
