"""Writes the CMYK JPEG fixture of ImageFilesCmykTest (run with Debian's python3-pil).

One generated picture (no data set): a 96x64 colour gradient with a checkerboard and a few
saturated patches, saved by Pillow as
  photo_rgb.jpg       an ordinary (YCbCr) JPEG,
  photo_cmyk.jpg      img.convert("CMYK") saved as JPEG: an untagged Adobe CMYK JPEG (Pillow writes
                      the Adobe marker and inverted samples, as Photoshop does),
  photo_cmyk_pil.png  Pillow's own RGB decoding of photo_cmyk.jpg (Image.open(f).convert("RGB")),
                      which is what a browser shows and what ImageFiles must reproduce,
  photo_cmyk_icc.jpg  the same CMYK JPEG with a CMYK ICC profile embedded (see below),
  photo_cmyk_icc_lcms.png  its RGB conversion through that profile by LittleCMS (ImageCms), the
                      reference for the ICC path (Image.open(f).convert("RGB") ignores the profile).
"""
import io
import os
from PIL import Image

W, H = 96, 64

def colour(x, y):
    if 8 <= x < 24 and 8 <= y < 24:
        return (230, 20, 30)
    if 72 <= x < 88 and 40 <= y < 56:
        return (20, 40, 220)
    check = 200 if (x // 8 + y // 8) % 2 else 60
    return (x * 255 // (W - 1), y * 255 // (H - 1), check)

img = Image.new("RGB", (W, H))
img.putdata([colour(x, y) for y in range(H) for x in range(W)])
img.save("photo_rgb.jpg", quality=90)
cmyk = img.convert("CMYK")
cmyk.save("photo_cmyk.jpg", quality=90)
Image.open("photo_cmyk.jpg").convert("RGB").save("photo_cmyk_pil.png")

# An ICC-tagged CMYK JPEG. Pillow has no CMYK profile of its own (LittleCMS builds none), and the
# small Ghostscript "PS CMYK" profile is one the JDK's LittleCMS cannot serialise (so readers
# ignore it). So this takes Ghostscript's default_cmyk.icc (from Debian's libgs-common, 187 KB)
# and shrinks it to a 10 KB profile: only the header, desc, cprt, wtpt, A2B0 and B2A0 tags (the
# other intents point at those), their CLUTs cut to a subgrid (A2B0 9 to 5 points, B2A0 33 to 9:
# the kept nodes are exact, the colours between them interpolated more coarsely). The reference is
# LittleCMS's conversion through that same profile to sRGB, relative colorimetric: the intent
# Java's ColorConvertOp applies to a source profile of the output (printer) class.
import struct

SOURCE_ICC = "/usr/share/color/icc/ghostscript/default_cmyk.icc"

def shrink(d):
    n = struct.unpack(">I", d[128:132])[0]
    tags = {}
    for i in range(n):
        sig, off, size = struct.unpack(">4sII", d[132 + 12 * i:144 + 12 * i])
        tags[sig] = d[off:off + size]
    a2b = tags[b"A2B0"]
    assert a2b[:4] == b"mft2"
    cin, cout, g = a2b[8], a2b[9], a2b[10]
    nin, nout = struct.unpack(">HH", a2b[48:52])
    pos = 52
    intab = a2b[pos:pos + cin * nin * 2]
    pos += len(intab)
    clut = a2b[pos:pos + g ** cin * cout * 2]
    pos += len(clut)
    outtab = a2b[pos:pos + cout * nout * 2]
    assert g == 9
    sub = bytearray()
    for i0 in range(0, 9, 2):
        for i1 in range(0, 9, 2):
            for i2 in range(0, 9, 2):
                for i3 in range(0, 9, 2):
                    k = ((i0 * 9 + i1) * 9 + i2) * 9 + i3
                    sub += clut[k * cout * 2:(k + 1) * cout * 2]
    a2b = a2b[:10] + bytes([5]) + a2b[11:52] + intab + bytes(sub) + outtab
    # The output direction (Lab to CMYK), which Java's colour management wants to link the
    # profile: an 8-bit 33-point CLUT, cut to its 9-point subgrid (every fourth node).
    b2a = tags[b"B2A0"]
    assert b2a[:4] == b"mft1" and b2a[10] == 33
    cin, cout = b2a[8], b2a[9]
    pos = 48
    intab = b2a[pos:pos + cin * 256]
    pos += len(intab)
    clut = b2a[pos:pos + 33 ** cin * cout]
    pos += len(clut)
    outtab = b2a[pos:pos + cout * 256]
    sub = bytearray()
    for i0 in range(0, 33, 4):
        for i1 in range(0, 33, 4):
            for i2 in range(0, 33, 4):
                k = (i0 * 33 + i1) * 33 + i2
                sub += clut[k * cout:(k + 1) * cout]
    b2a = b2a[:10] + bytes([9]) + b2a[11:48] + intab + bytes(sub) + outtab
    keep = [(b"desc", tags[b"desc"]), (b"cprt", tags[b"cprt"]), (b"wtpt", tags[b"wtpt"]), (b"A2B0", a2b),
            (b"B2A0", b2a)]
    table = bytearray(struct.pack(">I", len(keep) + 4))
    body = bytearray()
    base = 128 + 4 + 12 * (len(keep) + 4)
    offsets = {}
    for sig, data in keep:
        while (base + len(body)) % 4:
            body += b"\0"
        offsets[sig] = (base + len(body), len(data))
        body += data
    for sig, _ in keep:
        table += struct.pack(">4sII", sig, *offsets[sig])
    for sig in (b"A2B1", b"A2B2"):
        table += struct.pack(">4sII", sig, *offsets[b"A2B0"])
    for sig in (b"B2A1", b"B2A2"):
        table += struct.pack(">4sII", sig, *offsets[b"B2A0"])
    out = bytearray(d[:128]) + table + body
    out[0:4] = struct.pack(">I", len(out))
    return bytes(out)

for path in (SOURCE_ICC, "/tmp/gs" + SOURCE_ICC):
    if os.path.exists(path):
        from PIL import ImageCms
        with open(path, "rb") as f:
            data = shrink(f.read())
        cmyk.save("photo_cmyk_icc.jpg", quality=90, icc_profile=data)
        tagged = Image.open("photo_cmyk_icc.jpg")
        srgb = ImageCms.createProfile("sRGB")
        ImageCms.profileToProfile(tagged, ImageCms.ImageCmsProfile(io.BytesIO(data)), srgb,
                                  renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                                  outputMode="RGB").save("photo_cmyk_icc_lcms.png")
        print("ICC profile: shrunk from", path, "to", len(data), "bytes")
        break
else:
    print("no CMYK ICC profile found (install libgs-common): photo_cmyk_icc.jpg not written")
