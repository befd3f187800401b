"""A QR code drawn on screen, for a resident's phone to scan."""

from __future__ import annotations

import io

import qrcode
from kivy.core.image import Image as CoreImage
from kivy.properties import StringProperty
from kivy.uix.image import Image
from qrcode.image.pil import PilImage


class QrCode(Image):
    data = StringProperty("")

    def on_data(self, _instance: object, data: str) -> None:
        if not data:
            self.texture = None
            return
        # Medium error correction and a full quiet zone: phones read it off a glossy
        # screen at an angle.
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M,
                             box_size=10, border=4)
        code.add_data(data)
        code.make(fit=True)
        buffer = io.BytesIO()
        code.make_image(image_factory=PilImage, fill_color="black",
                        back_color="white").save(buffer, format="PNG")
        buffer.seek(0)
        texture = CoreImage(buffer, ext="png").texture
        texture.mag_filter = "nearest"  # crisp modules, no blur between them
        self.texture = texture
