"""Where the files shipped inside the package live (data tables, fonts, translations)."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PACKAGE_DIR / "data"
FONTS_DIR = PACKAGE_DIR / "fonts"
LOCALE_DIR = PACKAGE_DIR / "locale"
