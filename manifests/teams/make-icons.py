#!/usr/bin/env python3
"""Draws the Teams app icons with the standard library only: color.png (192x192, the mark on the accent colour)
and outline.png (32x32, the mark in white on a transparent background, as Teams requires)."""
import struct
import zlib
from pathlib import Path


def png(path, size, pixel):
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y, size)) for x in range(size)) for y in range(size))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    Path(path).write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def mark(x, y, size):
    """Three nodes joined by a line: a tiny workflow."""
    u, v = (x + 0.5) / size, (y + 0.5) / size
    nodes = [(0.25, 0.5), (0.5, 0.3), (0.75, 0.5)]
    if any((u - a) ** 2 + (v - b) ** 2 < 0.011 for a, b in nodes):
        return True
    on_line = 0.25 <= u <= 0.75 and abs(v - (0.3 + 0.2 * abs(u - 0.5) / 0.25)) < 0.035
    return on_line


here = Path(__file__).parent
png(here / "color.png", 192, lambda x, y, s: (255, 255, 255, 255) if mark(x, y, s) else (37, 99, 235, 255))
png(here / "outline.png", 32, lambda x, y, s: (255, 255, 255, 255) if mark(x, y, s) else (0, 0, 0, 0))
