"""How long does one phone photo take to become what we keep?

A 4000×3000 (12 MP) JPEG with EXIF orientation and GPS, as phones write them,
through ``backend.media._images.process``: decode (libjpeg at reduced scale),
turn upright, shrink to 1600 px, convert to sRGB, encode a progressive JPEG and
a 320 px thumbnail. A 4000×3000 PNG (a screenshot or a scan: no reduced-scale
decoding) is timed for comparison.

Run: .venv/bin/python bench/media_process.py
Reports the median of 7 rounds for each, and the sizes in and out.
Last run (2 cores, Pillow 13.0): JPEG 153 ms, PNG 314 ms.
"""

from __future__ import annotations

import io
import statistics
import time

from PIL import ExifTags, Image

from backend.media._images import process

ROUNDS = 7
SIZE = (4000, 3000)


def photo() -> Image.Image:
    """Noise over gradients compresses like a real photo (about 3 bits a pixel at quality 92)."""
    noise = Image.effect_noise(SIZE, 24)
    across = Image.linear_gradient("L").rotate(90).resize(SIZE)
    down = Image.linear_gradient("L").resize(SIZE)
    return Image.merge("RGB", [Image.blend(noise, across, 0.6), Image.blend(noise, down, 0.6), noise])


def phone_jpeg(image: Image.Image) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    home = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (30.0, 15.0, 10.0)}
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(home)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def screenshot_png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.quantize(64).convert("RGB").save(out, "PNG", compress_level=6)
    return out.getvalue()


def main() -> None:
    image = photo()
    inputs = {"4000×3000 JPEG (phone)": phone_jpeg(image), "4000×3000 PNG (scan)": screenshot_png(image)}
    print(f"median of {ROUNDS} rounds, one thread")
    for name, data in inputs.items():
        process(data)  # warm up: plugin imports, colour profiles
        rounds = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            out = process(data)
            rounds.append(time.perf_counter() - started)
        print(
            f"{name:24s} {statistics.median(rounds) * 1000:7.1f} ms  (min {min(rounds) * 1000:.1f}, "
            f"max {max(rounds) * 1000:.1f})  {len(data) / 1e6:.1f} MB in → "
            f"{out.width}×{out.height} {len(out.image) / 1e3:.0f} kB + thumb {len(out.thumb) / 1e3:.0f} kB"
        )


if __name__ == "__main__":
    main()
