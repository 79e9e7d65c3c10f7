"""Draws the application icon (resources/icons/investdesk.ico and .png) from the bundled font.

Run once when the design changes; the results are committed, so builds need no drawing step.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONT = ROOT / "resources" / "fonts" / "DroidSansFallbackFull.ttf"
OUT = ROOT / "resources" / "icons"
SIZE = 256


def draw() -> Image.Image:
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((8, 8, SIZE - 8, SIZE - 8), radius=44, fill=(21, 101, 192, 255))
    pen.rounded_rectangle((8, SIZE - 70, SIZE - 8, SIZE - 8), radius=44, fill=(198, 40, 40, 255))
    pen.rectangle((8, SIZE - 70, SIZE - 8, SIZE - 50), fill=(198, 40, 40, 255))
    font = ImageFont.truetype(str(FONT), 150)
    pen.text((SIZE / 2, SIZE / 2 - 18), "招", font=font, fill="white", anchor="mm")
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    image = draw()
    image.save(OUT / "investdesk.png")
    image.save(OUT / "investdesk.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    print(f"wrote {OUT / 'investdesk.ico'} and {OUT / 'investdesk.png'}")


if __name__ == "__main__":
    main()
