"""Finds a font with Simplified Chinese glyphs through fontconfig.

Noto Sans CJK ships as a collection (.ttc) whose first face is the Japanese one; Kivy's
text renderer can only open a collection's first face, which would draw Han characters
with Japanese glyph shapes (直, 骨, 角...). The Simplified Chinese face is therefore copied
out of the collection once into a cache directory.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTCollection

PREFERRED_FAMILY = "Noto Sans CJK SC"
INSTALL_HINT = "install fonts-noto-cjk (apt-get install fonts-noto-cjk) or set display.font"


class FontError(RuntimeError):
    pass


@dataclass(frozen=True)
class FontFace:
    file: Path
    index: int


@dataclass(frozen=True)
class CjkFonts:
    regular: Path
    bold: Path


def find_cjk_fonts(explicit: str, cache_dir: Path) -> CjkFonts:
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise FontError(f"display.font names {explicit}, which does not exist; {INSTALL_HINT}")
        return CjkFonts(path, path)
    regular = _match("regular")
    if regular is None:
        raise FontError(f"no font with Simplified Chinese glyphs found through fontconfig; "
                        f"{INSTALL_HINT}")
    bold = _match("bold") or regular
    return CjkFonts(_single_face(regular, cache_dir), _single_face(bold, cache_dir))


def _match(style: str) -> FontFace | None:
    if shutil.which("fc-match") is None:
        raise FontError("fontconfig is not installed (fc-match not found): "
                        "apt-get install fontconfig fonts-noto-cjk")
    pattern = f"{PREFERRED_FAMILY}:lang=zh-cn:style={style}"
    output = subprocess.run(
        ["fc-match", "--format=%{file}\n%{index}\n%{lang}", pattern],
        capture_output=True, text=True, check=False,
    ).stdout.splitlines()
    if len(output) < 3 or "zh-cn" not in output[2].split("|"):
        # fc-match always answers with *some* font; only one covering zh-cn will do.
        return None
    return FontFace(Path(output[0]), int(output[1] or 0))


def _single_face(face: FontFace, cache_dir: Path) -> Path:
    if face.file.suffix.lower() not in (".ttc", ".otc"):
        return face.file
    stat = face.file.stat()
    key = hashlib.sha256(f"{face.file}:{face.index}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    target = cache_dir / f"{face.file.stem}-{face.index}-{key.hexdigest()[:12]}.otf"
    if target.exists():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    collection = TTCollection(str(face.file), lazy=True)
    temporary = target.with_suffix(".tmp")
    collection.fonts[face.index].save(str(temporary))
    temporary.replace(target)
    return target
