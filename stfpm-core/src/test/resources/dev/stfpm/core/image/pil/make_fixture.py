"""Writes the PIL resize fixture of ImagePreprocessorPilTest (run with Debian's python3-pil).

Three generated pictures (no data set): a colour gradient with a checkerboard (300x200), a noisy
ring pattern (97x131) and a small checkerboard (40x40, enlarged). Each is saved as <name>.png and
resized to 64x64 with PIL's bilinear filter, as torchvision's Resize does on PIL images, as
<name>_pil64.png.
"""
import math
import random
from PIL import Image

def picture(name, w, h, f):
    img = Image.new("RGB", (w, h))
    img.putdata([f(x, y) for y in range(h) for x in range(w)])
    img.save(f"{name}.png")
    img.resize((64, 64), Image.BILINEAR).save(f"{name}_pil64.png")

rnd = random.Random(7)
picture("gradient", 300, 200, lambda x, y: (x * 255 // 299, y * 255 // 199,
                                            255 if (x // 10 + y // 10) % 2 else 40))
picture("rings", 97, 131, lambda x, y: tuple(max(0, min(255, int(128 + 100 * math.sin(
    math.hypot(x - 48, y - 65) / (3 + c)) + rnd.randint(-20, 20)))) for c in range(3)))
picture("small", 40, 40, lambda x, y: (200, 30, 90) if (x // 5 + y // 5) % 2 else (20, 220, 140))
