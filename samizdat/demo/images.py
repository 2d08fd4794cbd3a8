"""Poster-style illustrations for the demo outlet, drawn locally with Pillow.

Nothing is downloaded: every picture is a gradient, a few bold shapes and one big
word, in one of a handful of palettes. The same inputs always give the same picture.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

LEAD_SIZE = (2400, 1350)
PORTRAIT_SIZE = (800, 800)

_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/Library/Fonts/Arial Bold.ttf",
    "C:/Windows/Fonts/arialbd.ttf",
)


@dataclass(frozen=True)
class Palette:
    """Colours of one illustration, with a name used in its alt text."""

    name: str
    dark: str
    light: str
    accent: str
    ink: str


PALETTES: dict[str, Palette] = {
    "red": Palette("red and black", "#1c1717", "#b5121b", "#f2c14e", "#f6efe3"),
    "ochre": Palette("ochre and navy", "#13233f", "#d9922e", "#f4e3c3", "#fdf7ec"),
    "teal": Palette("teal and cream", "#0f4c4f", "#2f9c95", "#f3e9d2", "#fffaf0"),
    "violet": Palette("violet and orange", "#2d1b4e", "#7b3fa0", "#ff8c42", "#fff4e6"),
    "green": Palette("green and gold", "#14321f", "#3f7d3a", "#e9c46a", "#fbf6e4"),
    "rose": Palette("rose and maroon", "#4a0f24", "#d9607e", "#ffd6c9", "#fff3ef"),
    "slate": Palette("slate and yellow", "#1f2933", "#52606d", "#ffd23f", "#f5f7fa"),
    "coral": Palette("sky blue and coral", "#12355b", "#4f9bd9", "#ff6f59", "#fdfdfd"),
}

STYLES = ("bands", "sun", "halftone", "blocks", "waves")

STYLE_DESCRIPTIONS = {
    "bands": "over diagonal bands",
    "sun": "in front of a rising sun of concentric rings",
    "halftone": "over a field of halftone dots",
    "blocks": "among overlapping constructivist blocks and a circle",
    "waves": "over rolling wave lines",
}


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in _FONT_CANDIDATES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size=size)


def _gradient(size: tuple[int, int], start: str, end: str, angle: float) -> Image.Image:
    """A linear gradient from `start` to `end`, rotated by `angle` degrees.

    Drawn small and scaled up: a gradient has no detail to lose, and it is much faster.
    """
    mask = Image.linear_gradient("L").rotate(angle, resample=Image.BICUBIC, expand=False)
    mask = mask.crop((48, 48, 208, 208)).resize(size, resample=Image.BILINEAR)
    return Image.composite(Image.new("RGB", size, _rgb(end)), Image.new("RGB", size, _rgb(start)), mask)


def _bands(draw: ImageDraw.ImageDraw, size: tuple[int, int], palette: Palette, rng: random.Random) -> None:
    width, height = size
    step = rng.randint(150, 260)
    colours = [_rgb(palette.dark), _rgb(palette.accent)]
    for index, x in enumerate(range(-height, width + height, step)):
        if index % 3 == 2:
            continue
        band = step // (2 if index % 3 == 0 else 4)
        draw.polygon(
            [(x, height), (x + band, height), (x + band + height, 0), (x + height, 0)],
            fill=colours[index % 2],
        )


def _sun(draw: ImageDraw.ImageDraw, size: tuple[int, int], palette: Palette, rng: random.Random) -> None:
    width, height = size
    cx, cy = int(width * rng.uniform(0.55, 0.8)), int(height * rng.uniform(0.55, 0.9))
    colours = [_rgb(palette.accent), _rgb(palette.light), _rgb(palette.dark)]
    for index, radius in enumerate(range(int(height * 1.1), 40, -90)):
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=colours[index % 3])
    for ray in range(0, 360, 15):
        angle = math.radians(ray)
        end = (cx + math.cos(angle) * width * 1.5, cy + math.sin(angle) * width * 1.5)
        draw.line([(cx, cy), end], fill=_rgb(palette.dark), width=6)


def _halftone(draw: ImageDraw.ImageDraw, size: tuple[int, int], palette: Palette, rng: random.Random) -> None:
    width, height = size
    spacing = rng.choice((42, 48, 56))
    fx, fy = width * rng.uniform(0.1, 0.9), height * rng.uniform(0.2, 0.8)
    reach = math.hypot(width, height) * 0.6
    for y in range(0, height + spacing, spacing):
        offset = spacing // 2 if (y // spacing) % 2 else 0
        for x in range(-spacing, width + spacing, spacing):
            distance = math.hypot(x + offset - fx, y - fy)
            radius = spacing * 0.48 * max(0.08, 1 - distance / reach)
            cx = x + offset
            draw.ellipse((cx - radius, y - radius, cx + radius, y + radius), fill=_rgb(palette.accent))


def _blocks(draw: ImageDraw.ImageDraw, size: tuple[int, int], palette: Palette, rng: random.Random) -> None:
    width, height = size
    colours = [_rgb(palette.dark), _rgb(palette.accent), _rgb(palette.ink)]
    radius = int(height * rng.uniform(0.28, 0.4))
    cx, cy = int(width * rng.uniform(0.6, 0.85)), int(height * rng.uniform(0.3, 0.6))
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=colours[1])
    for index in range(6):
        x0 = rng.randint(-200, width - 300)
        y0 = rng.randint(-100, height - 150)
        w, h = rng.randint(300, 1100), rng.randint(60, 260)
        angle = math.radians(rng.choice((-30, -15, 15, 30, 0)))
        cx, cy = x0 + w / 2, y0 + h / 2
        corners = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]
        draw.polygon(
            [(cx + x * math.cos(angle) - y * math.sin(angle), cy + x * math.sin(angle) + y * math.cos(angle))
             for x, y in corners],
            fill=colours[index % 3],
        )


def _waves(draw: ImageDraw.ImageDraw, size: tuple[int, int], palette: Palette, rng: random.Random) -> None:
    width, height = size
    amplitude = rng.randint(40, 90)
    wavelength = rng.randint(500, 900)
    colours = [_rgb(palette.accent), _rgb(palette.dark)]
    for index, base in enumerate(range(-amplitude, height + amplitude, 70)):
        phase = index * 0.35
        points = [
            (x, base + amplitude * math.sin(2 * math.pi * x / wavelength + phase))
            for x in range(0, width + 40, 40)
        ]
        draw.line(points, fill=colours[index % 2], width=22 if index % 2 else 12, joint="curve")


_DRAWERS = {"bands": _bands, "sun": _sun, "halftone": _halftone, "blocks": _blocks, "waves": _waves}


def _fit_font(draw: ImageDraw.ImageDraw, text: str, max_width: int, max_height: int):
    size = max_height
    while size > 20:
        font = _font(size)
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
        if right - left <= max_width and bottom - top <= max_height:
            return font
        size = int(size * 0.92)
    return _font(size)


def _encode(image: Image.Image, quality: int = 84) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def poster(word: str, palette_key: str, style: str, seed: int, masthead: str = "") -> bytes:
    """A 2400×1350 JPEG: gradient, shapes in the given style, and `word` set large."""
    palette = PALETTES[palette_key]
    rng = random.Random(seed)
    image = _gradient(LEAD_SIZE, palette.light, palette.dark, rng.uniform(0, 360))
    draw = ImageDraw.Draw(image)
    _DRAWERS[style](draw, LEAD_SIZE, palette, rng)
    width, height = LEAD_SIZE

    # A dark slab under the word keeps it legible on every background.
    font = _fit_font(draw, word, int(width * 0.82), int(height * 0.3))
    left, top, right, bottom = draw.textbbox((0, 0), word, font=font)
    text_w, text_h = right - left, bottom - top
    x, y = (width - text_w) // 2 - left, int(height * 0.62) - text_h // 2 - top
    pad = int(text_h * 0.28)
    slab = (x + left - pad, y + top - pad, x + right + pad, y + bottom + pad)
    shadow = Image.new("L", LEAD_SIZE, 0)
    ImageDraw.Draw(shadow).rectangle(slab, fill=150)
    shadow = shadow.filter(ImageFilter.GaussianBlur(30))
    image.paste(_rgb(palette.dark), (24, 24), shadow)
    draw.rectangle(slab, fill=_rgb(palette.dark))
    draw.text((x + 10, y + 10), word, font=font, fill=_rgb(palette.accent))
    draw.text((x, y), word, font=font, fill=_rgb(palette.ink))

    if masthead:
        small = _font(54)
        draw.rectangle((80, 80, 80 + 14, 80 + 64), fill=_rgb(palette.accent))
        draw.text((120, 82), masthead.upper(), font=small, fill=_rgb(palette.ink))
    return _encode(image)


def logo(name: str) -> bytes:
    """A 600×120 PNG wordmark: a red bar and the outlet's name, for search engines and feeds."""
    size = (600, 120)
    image = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 18, size[1]), fill=_rgb("#b3121f"))
    font = _fit_font(draw, name.upper(), size[0] - 60, size[1] - 50)
    left, top, right, bottom = draw.textbbox((0, 0), name.upper(), font=font)
    draw.text((40 - left, (size[1] - (bottom - top)) // 2 - top), name.upper(), font=font,
              fill=_rgb("#1a1a1a"))
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def portrait(initials: str, palette_key: str, seed: int) -> bytes:
    """An 800×800 JPEG placeholder portrait: a head-and-shoulders silhouette."""
    palette = PALETTES[palette_key]
    rng = random.Random(seed)
    width, height = PORTRAIT_SIZE
    image = _gradient(PORTRAIT_SIZE, palette.accent, palette.light, rng.uniform(0, 360))
    draw = ImageDraw.Draw(image)
    for index, radius in enumerate(range(560, 100, -70)):
        cx, cy = width // 2 + rng.randint(-30, 30), int(height * 0.42)
        if index % 2:
            draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius),
                         outline=_rgb(palette.ink), width=3)
    silhouette = _rgb(palette.dark)
    head_w, head_h = rng.randint(230, 270), rng.randint(290, 320)
    head_top = int(height * 0.2)
    draw.ellipse(((width - head_w) // 2, head_top, (width + head_w) // 2, head_top + head_h),
                 fill=silhouette)
    shoulders_w = rng.randint(560, 640)
    draw.ellipse(((width - shoulders_w) // 2, int(height * 0.66), (width + shoulders_w) // 2,
                  int(height * 1.35)), fill=silhouette)
    neck_w = head_w // 2
    draw.rectangle(((width - neck_w) // 2, head_top + head_h - 40, (width + neck_w) // 2,
                    int(height * 0.72)), fill=silhouette)

    font = _font(64)
    left, top, right, bottom = draw.textbbox((0, 0), initials, font=font)
    badge = 70
    cx, cy = width - 130, height - 130
    draw.ellipse((cx - badge, cy - badge, cx + badge, cy + badge), fill=_rgb(palette.ink))
    draw.text((cx - (right - left) // 2 - left, cy - (bottom - top) // 2 - top), initials,
              font=font, fill=silhouette)
    return _encode(image, quality=86)


def poster_alt_text(word: str, palette_key: str, style: str) -> str:
    """Alt text that says what the poster shows."""
    return (
        f"Poster-style illustration: the word {word} in large letters "
        f"{STYLE_DESCRIPTIONS[style]}, in {PALETTES[palette_key].name}."
    )


def portrait_alt_text(name: str, palette_key: str) -> str:
    """Alt text for a placeholder portrait."""
    return (
        f"Illustrated placeholder portrait of {name}: a head-and-shoulders silhouette "
        f"on a {PALETTES[palette_key].name} background."
    )
