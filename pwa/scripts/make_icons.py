"""Draw the app icons (便 on the brand blue) into pwa/static/icons/.

Run once when the design changes; the PNGs are checked in so the build needs
no Python:  ../.venv/bin/python scripts/make_icons.py  (from pwa/).
Needs Pillow and the Noto Sans CJK font (Debian: fonts-noto-cjk).
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BRAND = (10, 81, 150)  # #0a5196, the theme colour; white on it is 8:1
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
FONT_INDEX_SC = 2  # Noto Sans CJK SC inside the collection
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"


def draw_icon(size: int, glyph_share: float, rounded: bool) -> Image.Image:
    """A square icon with 便 filling `glyph_share` of its side.

    Maskable icons keep the glyph inside the central 80 % safe zone, so they
    use a smaller share and no rounded corners (the launcher crops them).
    """
    scale = 4  # draw large and downsample for smooth edges
    side = size * scale
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if rounded:
        draw.rounded_rectangle((0, 0, side - 1, side - 1), radius=side // 6, fill=BRAND)
    else:
        draw.rectangle((0, 0, side, side), fill=BRAND)
    font = ImageFont.truetype(FONT, int(side * glyph_share), index=FONT_INDEX_SC)
    draw.text((side / 2, side / 2), "便", font=font, fill="white", anchor="mm")
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    icons = {
        "icon-192.png": draw_icon(192, 0.62, rounded=True),
        "icon-512.png": draw_icon(512, 0.62, rounded=True),
        "icon-maskable-512.png": draw_icon(512, 0.5, rounded=False),
        # iOS shows transparency as black and rounds the corners itself.
        "apple-touch-icon.png": draw_icon(180, 0.62, rounded=False).convert("RGB"),
    }
    for name, image in icons.items():
        image.save(OUT / name, optimize=True)
        print(OUT / name, image.size)


if __name__ == "__main__":
    main()
