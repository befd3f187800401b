"""Colours and sizes, chosen for reading from a step back by people with weak eyes.

Sizes are pixels on the 1080-pixel short side of the screen, the only resolution the
terminal runs at (1080x1920 portrait or 1920x1080 landscape). Text meets WCAG AA
contrast (4.5:1) or better against its background.
"""

from __future__ import annotations

# Colours as Kivy RGBA tuples.
BACKGROUND = (0.957, 0.965, 0.976, 1)   # #F4F6F9
SURFACE = (1, 1, 1, 1)
TEXT = (0.102, 0.102, 0.102, 1)          # #1A1A1A
TEXT_MUTED = (0.30, 0.33, 0.37, 1)       # #4D545E, 7:1 on white
PRIMARY = (0.043, 0.361, 0.678, 1)       # #0B5CAD, government blue
PRIMARY_PRESSED = (0.027, 0.259, 0.494, 1)
ON_PRIMARY = (1, 1, 1, 1)
ACCENT = (0.784, 0.063, 0.180, 1)        # #C8102E, used sparingly
OK = (0.106, 0.486, 0.188, 1)            # #1B7C30
WARNING = (0.659, 0.353, 0.0, 1)         # #A85A00
STATUS_BAR = (0.031, 0.220, 0.420, 1)    # #08386B
DIVIDER = (0.85, 0.87, 0.90, 1)
# Edges that show where something can be touched or moved (key borders, scroll bars):
# 3:1 or more against white and against the background (WCAG 1.4.11).
OUTLINE = (0.46, 0.50, 0.55, 1)          # #767F8C, 4.0:1 on white

# Base text sizes in pixels; large-text mode multiplies them by LARGE_TEXT_SCALE.
TEXT_BODY = 40
TEXT_BUTTON = 44
TEXT_TITLE = 64
TEXT_SUBTITLE = 52
TEXT_HERO = 76
TEXT_SMALL = 32
LARGE_TEXT_SCALE = 1.3

# Touch targets: at least 120 px (about 30 mm on a 32-inch 1080p screen).
TOUCH_MIN = 120
BUTTON_HEIGHT = 150
STATUS_BAR_HEIGHT = 120   # room for 重听 and 呼叫帮助 at a full touch height
PADDING = 48
SPACING = 32
RADIUS = 20

SCREEN_SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}
