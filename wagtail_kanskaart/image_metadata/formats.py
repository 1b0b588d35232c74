"""Remove metadata from image files, per format, keeping format and quality.

``strip_metadata(data)`` returns the file without EXIF (location, camera,
time), XMP, IPTC, comments and text chunks, or None when there is nothing
to remove or the file cannot be read.

Most formats are cleaned at the byte level: the container is parsed and the
metadata blocks are left out, so the pixel data is copied unchanged and
animation survives. Pixels are decoded and encoded again only where that is
unavoidable:

- A still image whose EXIF orientation is not 1 is turned upright first.
  Without its EXIF the image would otherwise show sideways.
- HEIF and AVIF keep their metadata as items of an ISOBMFF ``meta`` box.
  No dependency of this package rewrites those boxes, so these files are
  encoded again at quality ``REENCODE_QUALITY``.
- TIFF keeps metadata in the same tag directories as the pixel layout, so
  it is written again, lossless (LZW).
"""

import io
import logging
import struct

from PIL import (
    ExifTags,
    Image,
    ImageOps,
    ImageSequence,
    JpegImagePlugin,
    UnidentifiedImageError,
)
from pillow_heif import register_heif_opener

register_heif_opener()

logger = logging.getLogger("wagtail_kanskaart")

# Quality of lossy formats that must be encoded again (HEIF, AVIF, and a
# lossy WebP that is turned upright). It is high, so a second encoding
# loses little; the original's own quality setting cannot be read back.
REENCODE_QUALITY = 92

# Errors Pillow and its plugins raise for a file they cannot read.
_UNREADABLE = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError)


class MalformedImage(ValueError):
    """The file's container structure cannot be parsed."""


def strip_metadata(data: bytes) -> bytes | None:
    """Return ``data`` without its metadata, or None to leave the file as it is.

    None means: nothing to remove, a kind without metadata (BMP, ICO) or
    that is left alone (SVG, animated HEIF/AVIF), or a file Pillow cannot
    read. Such a file is left to Wagtail's own validation, so a damaged or
    unknown file makes this function return None rather than raise.
    """
    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, Image.DecompressionBombError, *_UNREADABLE):
        return None

    try:
        kind = image.format
        handler = _HANDLERS.get(kind)
        if handler is None:
            return None
        cleaned = handler(data, image)
    except (MalformedImage, Image.DecompressionBombError, *_UNREADABLE) as error:
        logger.warning(
            "Image metadata not stripped: the %s file could not be parsed (%s)",
            kind,
            type(error).__name__,
        )
        return None
    finally:
        image.close()

    if cleaned is None or cleaned == data:
        return None
    return cleaned


def _orientation(image) -> int:
    """Return the EXIF orientation (1 to 8) of a still image, 1 if there is none.

    Pillow also reads the orientation from XMP when EXIF has none.
    """
    try:
        value = image.getexif().get(ExifTags.Base.Orientation, 1)
    except _UNREADABLE:
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _frame_count(image) -> int:
    return getattr(image, "n_frames", 1)


def _upright_copy(image):
    """Return the decoded pixels of ``image`` turned upright, without ``info``.

    Pillow's encoders copy some metadata from ``info`` on their own (the
    JPEG comment, TIFF's XMP and IPTC tags), so the copy starts empty.
    """
    image.load()
    upright = ImageOps.exif_transpose(image)
    upright.info = {}
    if hasattr(upright, "encoderinfo"):
        upright.encoderinfo = {}
    return upright


# JPEG (and MPO, a JPEG with more pictures appended) ------------------------

_SOI = b"\xff\xd8"
_EOI = b"\xff\xd9"
_SOS = 0xDA
_COM = 0xFE
# Markers without a length field.
_STANDALONE = {0x01, *range(0xD0, 0xD8)}
_JFIF_ID = b"JFIF\x00"
_ICC_ID = b"ICC_PROFILE\x00"
_ADOBE_ID = b"Adobe"


def _strip_jpeg(data, image):
    orientation = _orientation(image)
    if orientation != 1:
        try:
            return _strip_jpeg_segments(_reencode_jpeg(image))
        except (Image.DecompressionBombError, MemoryError, *_UNREADABLE):
            # The pixels cannot be decoded here, so the orientation stays as
            # the only EXIF tag and the photo still shows upright.
            logger.warning(
                "JPEG could not be turned upright; its metadata is stripped "
                "and only the orientation is kept"
            )
            return _strip_jpeg_segments(data, keep_orientation=orientation)
    return _strip_jpeg_segments(data)


def _reencode_jpeg(image):
    """Return the JPEG turned upright and encoded with the original's tables.

    Passing the original quantization tables and chroma subsampling keeps
    the file's quality and size close to the original, as Pillow's
    ``quality="keep"`` does for an unchanged image.
    """
    icc_profile = image.info.get("icc_profile")
    dpi = image.info.get("dpi")
    quantization = getattr(image, "quantization", None)
    subsampling = JpegImagePlugin.get_sampling(image)
    progressive = bool(image.info.get("progressive"))
    if _frame_count(image) > 1:
        image.seek(0)

    upright = _upright_copy(image)
    options = {"format": "JPEG", "optimize": True, "progressive": progressive}
    if quantization:
        options["qtables"] = quantization
    else:
        options["quality"] = REENCODE_QUALITY
    if subsampling != -1:
        options["subsampling"] = subsampling
    if icc_profile:
        options["icc_profile"] = icc_profile
    if dpi:
        options["dpi"] = dpi

    output = io.BytesIO()
    upright.save(output, **options)
    return output.getvalue()


def _strip_jpeg_segments(data, keep_orientation=None):
    """Copy a JPEG, leaving out its metadata segments and what follows the image.

    Kept: the image segments, APP0 JFIF (without its thumbnail), APP2 ICC
    profile and APP14 Adobe (needed to read CMYK colours). Left out: APP1
    (EXIF and XMP), APP13 (IPTC), all other APPn, comments, and everything
    after the first image's end marker. Phones append more pictures (MPO),
    or a video for "motion photos", there, with their own metadata.
    """
    if not data.startswith(_SOI):
        raise MalformedImage("no start-of-image marker")
    output = bytearray(_SOI)
    if keep_orientation is not None:
        output += _orientation_segment(keep_orientation)
    position = 2
    size = len(data)

    while position < size:
        if data[position] != 0xFF:
            raise MalformedImage("a marker was expected")
        while position < size and data[position] == 0xFF:
            position += 1  # fill bytes before a marker
        if position >= size:
            break
        marker = data[position]
        position += 1

        if marker == 0xD9:
            output += _EOI
            return bytes(output)
        if marker in _STANDALONE:
            output += bytes((0xFF, marker))
            continue

        if position + 2 > size:
            raise MalformedImage("segment length missing")
        length = int.from_bytes(data[position : position + 2], "big")
        end = position + length
        if length < 2 or end > size:
            raise MalformedImage("segment length out of range")
        payload = data[position + 2 : end]
        kept = _kept_segment(marker, payload)
        if kept is not None:
            output += bytes((0xFF, marker)) + (len(kept) + 2).to_bytes(2, "big")
            output += kept
        position = end

        if marker == _SOS:
            scan_end = _entropy_data_end(data, position)
            output += data[position:scan_end]
            position = scan_end

    # A file cut off before its end marker: close it, as decoders expect.
    output += _EOI
    return bytes(output)


def _kept_segment(marker, payload):
    """Return the payload to write for a segment, or None to leave it out."""
    if marker == 0xE0:
        if payload.startswith(_JFIF_ID) and len(payload) >= 14:
            # Version, density unit and density are kept. The thumbnail size
            # is set to 0x0 and its pixels are dropped.
            return payload[:12] + b"\x00\x00"
        return None
    if marker == 0xE2:
        return payload if payload.startswith(_ICC_ID) else None
    if marker == 0xEE:
        return payload if payload.startswith(_ADOBE_ID) else None
    if 0xE1 <= marker <= 0xEF or marker == _COM:
        return None
    return payload


def _entropy_data_end(data, position):
    """Return the offset of the first marker after a scan's coded data.

    In coded data, 0xFF is followed by 0x00 (a stuffed byte) or a restart
    marker. Any other byte after 0xFF starts the next segment.
    """
    size = len(data)
    while True:
        position = data.find(b"\xff", position)
        if position == -1 or position + 1 >= size:
            return size
        following = data[position + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            position += 2
            continue
        return position


def _orientation_segment(orientation):
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    payload = exif.tobytes()
    return b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload


# PNG -----------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Chunks that describe pixels, colour or animation (APNG). Every other
# chunk is left out: eXIf, tEXt, zTXt, iTXt, tIME and private chunks.
_PNG_KEPT_CHUNKS = {
    b"IHDR",
    b"PLTE",
    b"IDAT",
    b"IEND",
    b"tRNS",
    b"gAMA",
    b"cHRM",
    b"sRGB",
    b"iCCP",
    b"cICP",
    b"mDCV",
    b"cLLI",
    b"sBIT",
    b"bKGD",
    b"pHYs",
    b"acTL",
    b"fcTL",
    b"fdAT",
}


def _strip_png(data, image):
    if _orientation(image) != 1 and _frame_count(image) == 1:
        icc_profile = image.info.get("icc_profile")
        transparency = image.info.get("transparency")
        upright = _upright_copy(image)
        options = {"format": "PNG", "optimize": True}
        if icc_profile:
            options["icc_profile"] = icc_profile
        if transparency is not None:
            options["transparency"] = transparency
        output = io.BytesIO()
        upright.save(output, **options)
        data = output.getvalue()
    return _strip_png_chunks(data)


def _strip_png_chunks(data):
    if not data.startswith(_PNG_SIGNATURE):
        raise MalformedImage("no PNG signature")
    output = bytearray(_PNG_SIGNATURE)
    position = len(_PNG_SIGNATURE)
    size = len(data)
    while position + 8 <= size:
        length = int.from_bytes(data[position : position + 4], "big")
        chunk_type = data[position + 4 : position + 8]
        end = position + 12 + length  # length, type, data, CRC
        if end > size:
            raise MalformedImage("chunk length out of range")
        if chunk_type in _PNG_KEPT_CHUNKS:
            output += data[position:end]
        position = end
        if chunk_type == b"IEND":
            break
    return bytes(output)


# WebP ----------------------------------------------------------------------

# Chunks of the WebP container that carry pixels, colour or animation.
_WEBP_KEPT_CHUNKS = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
_VP8X_EXIF_FLAG = 0x08
_VP8X_XMP_FLAG = 0x04


def _strip_webp(data, image):
    if _orientation(image) != 1 and _frame_count(image) == 1:
        data = _reencode_webp(data, image)
    return _strip_webp_chunks(data)


def _reencode_webp(data, image):
    lossless = b"VP8L" in data[12:64]
    icc_profile = image.info.get("icc_profile")
    upright = _upright_copy(image)
    options = {"format": "WEBP", "lossless": lossless}
    if not lossless:
        options["quality"] = REENCODE_QUALITY
    if icc_profile:
        options["icc_profile"] = icc_profile
    output = io.BytesIO()
    upright.save(output, **options)
    return output.getvalue()


def _strip_webp_chunks(data):
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise MalformedImage("no RIFF WEBP header")
    size = min(len(data), 8 + int.from_bytes(data[4:8], "little"))
    chunks = bytearray()
    position = 12
    while position + 8 <= size:
        chunk_type = data[position : position + 4]
        length = int.from_bytes(data[position + 4 : position + 8], "little")
        end = position + 8 + length + (length & 1)  # chunks are padded to even
        if end > size:
            raise MalformedImage("chunk length out of range")
        if chunk_type in _WEBP_KEPT_CHUNKS:
            chunk = bytearray(data[position:end])
            if chunk_type == b"VP8X":
                chunk[8] &= ~(_VP8X_EXIF_FLAG | _VP8X_XMP_FLAG) & 0xFF
            chunks += chunk
        position = end
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WEBP" + bytes(chunks)


# GIF -----------------------------------------------------------------------

# Application extensions that affect how the image shows: the loop count of
# an animation and an ICC profile. Others (XMP, for example) are left out.
_GIF_KEPT_APPLICATIONS = {b"NETSCAPE2.0", b"ANIMEXTS1.0", b"ICCRGBG1012"}


def _strip_gif(data, image):
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        raise MalformedImage("no GIF header")
    if len(data) < 13:
        raise MalformedImage("no logical screen descriptor")
    flags = data[10]
    position = 13 + _color_table_size(flags)
    output = bytearray(data[:position])

    while position < len(data):
        introducer = data[position]
        if introducer == 0x3B:  # trailer
            output += b"\x3b"
            return bytes(output)
        if introducer == 0x21:  # extension
            label = data[position + 1]
            end = _sub_blocks_end(data, position + 2)
            block = data[position:end]
            if label == 0xFE:
                pass  # comment
            elif label == 0xFF:
                if _gif_application_id(block) in _GIF_KEPT_APPLICATIONS:
                    output += block
            else:
                output += block  # graphic control, plain text
            position = end
        elif introducer == 0x2C:  # image descriptor
            if position + 10 > len(data):
                raise MalformedImage("image descriptor cut off")
            local_flags = data[position + 9]
            start = position
            position += 10 + _color_table_size(local_flags) + 1  # + LZW code size
            position = _sub_blocks_end(data, position)
            output += data[start:position]
        else:
            raise MalformedImage("unknown GIF block")
    output += b"\x3b"
    return bytes(output)


def _color_table_size(flags):
    return 3 * (2 ** ((flags & 0x07) + 1)) if flags & 0x80 else 0


def _sub_blocks_end(data, position):
    """Return the offset after a chain of data sub-blocks and its terminator."""
    while True:
        if position >= len(data):
            raise MalformedImage("data sub-blocks cut off")
        length = data[position]
        position += 1 + length
        if length == 0:
            return position


def _gif_application_id(block):
    # 0x21 0xFF, then a first sub-block of 11 bytes: identifier and code.
    if len(block) < 14 or block[2] != 11:
        return b""
    return block[3:14]


# HEIF, AVIF, TIFF: encoded again ---------------------------------------------


def _reencode_heif(data, image):
    return _reencode_still(image, "HEIF", quality=REENCODE_QUALITY)


def _reencode_avif(data, image):
    return _reencode_still(image, "AVIF", quality=REENCODE_QUALITY)


def _reencode_still(image, kind, **options):
    """Return a still image encoded again without metadata, None if animated.

    NOTE: an animated HEIF or AVIF file is left as it is, with its
    metadata, because Pillow cannot write every frame back unchanged.
    """
    if _frame_count(image) > 1:
        logger.warning("Animated %s file left as it is, with its metadata", kind)
        return None
    if not any(image.info.get(key) for key in ("exif", "xmp", "metadata")):
        return None
    icc_profile = image.info.get("icc_profile")
    upright = _upright_copy(image)
    if icc_profile:
        options["icc_profile"] = icc_profile
    output = io.BytesIO()
    upright.save(output, format=kind, **options)
    return output.getvalue()


def _reencode_tiff(data, image):
    """Return a TIFF written again, lossless, with all its pages upright."""
    icc_profile = image.info.get("icc_profile")
    pages = [_upright_copy(page) for page in ImageSequence.Iterator(image)]
    options = {"format": "TIFF", "compression": "tiff_lzw"}
    if icc_profile:
        options["icc_profile"] = icc_profile
    if len(pages) > 1:
        options.update(save_all=True, append_images=pages[1:])
    output = io.BytesIO()
    pages[0].save(output, **options)
    return output.getvalue()


_HANDLERS = {
    "JPEG": _strip_jpeg,
    "MPO": _strip_jpeg,
    "PNG": _strip_png,
    "WEBP": _strip_webp,
    "GIF": _strip_gif,
    "HEIF": _reencode_heif,
    "AVIF": _reencode_avif,
    "TIFF": _reencode_tiff,
}
