"""What the simulated camera sees: an empty counter, or a QR code someone holds up.

A held-up code is drawn with the qrcode package, placed off-centre with a margin, turned a
little, softened and with less than full contrast, as a phone screen or a printed slip
looks to a cheap USB camera; every frame gets fresh sensor noise.
"""

from __future__ import annotations

import base64
import random
from dataclasses import asdict, dataclass
from typing import Any

import qrcode
import qrcode.constants
from PIL import Image, ImageChops, ImageDraw, ImageFilter

BACKGROUND = 128
NOISE_SIGMA = 6.0
NOISE_FRAMES = 4
# The code takes at most this share of the frame's shorter side.
CODE_SHARE = 0.7


@dataclass(frozen=True)
class Scene:
    code: bytes | None = None
    angle: float = 4.0       # degrees the code is turned
    blur: float = 0.6        # Gaussian blur radius in pixels
    contrast: float = 0.8    # 1: black on white; 0.5: dark grey on light grey
    damaged: bool = False    # a finder pattern and a band across the code scratched off

    def to_message(self) -> dict[str, Any]:
        message = asdict(self)
        message["code"] = None if self.code is None else base64.b64encode(self.code).decode()
        return message

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> Scene:
        code = message["code"]
        return cls(code=None if code is None else base64.b64decode(code),
                   angle=float(message["angle"]), blur=float(message["blur"]),
                   contrast=float(message["contrast"]), damaged=bool(message["damaged"]))


class SceneRenderer:
    def __init__(self, width: int, height: int, seed: int | None = None) -> None:
        self.width = width
        self.height = height
        self._random = random.Random(seed)
        # Noise is slow to make and nobody can tell four frames of it apart.
        self._noise = [Image.effect_noise((width, height), NOISE_SIGMA)
                       for _ in range(NOISE_FRAMES)]
        self._frames = 0
        self._scene: Scene | None = None
        self._picture: Image.Image | None = None

    def frame(self, scene: Scene) -> Image.Image:
        """The next 8-bit grey frame of ``scene``."""
        if scene != self._scene or self._picture is None:
            self._picture = self._draw(scene)
            self._scene = scene
        self._frames += 1
        noise = self._noise[self._frames % NOISE_FRAMES]
        return ImageChops.add(self._picture, noise, scale=1.0, offset=-128)

    def _draw(self, scene: Scene) -> Image.Image:
        picture = Image.new("L", (self.width, self.height), BACKGROUND)
        if scene.code is None:
            return picture
        code = self._code_image(scene.code)
        if scene.damaged:
            _scratch(code)
        contrast = min(max(scene.contrast, 0.05), 1.0)
        dark = round(BACKGROUND - 127 * contrast)
        light = round(BACKGROUND + 127 * contrast)
        code = code.point(lambda value: light if value > 127 else dark)
        code = code.rotate(scene.angle, resample=Image.Resampling.BICUBIC, expand=True,
                           fillcolor=BACKGROUND)
        spare_x = max(self.width - code.width, 0)
        spare_y = max(self.height - code.height, 0)
        # Held a little off-centre, never touching the edge.
        x = spare_x // 2 + self._random.randint(-spare_x // 4, spare_x // 4)
        y = spare_y // 2 + self._random.randint(-spare_y // 4, spare_y // 4)
        picture.paste(code, (x, y))
        if scene.blur > 0:
            picture = picture.filter(ImageFilter.GaussianBlur(scene.blur))
        return picture

    def _code_image(self, data: bytes) -> Image.Image:
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
        code.add_data(data)
        code.make(fit=True)
        modules = code.modules_count + 2 * code.border
        module_px = max(2, min(6, int(CODE_SHARE * min(self.width, self.height) / modules)))
        code.box_size = module_px
        return code.make_image().get_image().convert("L")


def _scratch(code: Image.Image) -> None:
    """Beyond what error correction mends: the top-left finder pattern and a band."""
    width, height = code.size
    draw = ImageDraw.Draw(code)
    draw.rectangle((0, 0, width * 0.35, height * 0.35), fill=255)
    draw.rectangle((0, height * 0.45, width, height * 0.6), fill=255)
