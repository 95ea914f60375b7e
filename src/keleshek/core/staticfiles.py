"""The static files storage of production and `keleshek serve` (ADR 0091): WhiteNoise's hashed,
compressed files, compressed fast enough to collect at a first start.

WhiteNoise compresses every file with Brotli at its highest quality (11). ninja's Swagger and
Redoc bundles and their source maps (about 8 MB, twice: original and hashed name) then take
tens of CPU seconds — minutes on a busy two-core machine — for a gain nobody notices: quality 5
makes the Swagger bundle 12 % larger than quality 11 (376 KB instead of 334 KB) and is about
eighty times faster. Source maps (read by a browser's developer tools only) are not compressed.
"""

from __future__ import annotations

from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage

BROTLI_QUALITY = 5
SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")


class FastCompressor(Compressor):
    @staticmethod
    def compress_brotli(data: bytes) -> bytes:
        import brotli  # WhiteNoise calls this only when Brotli is installed

        return bytes(brotli.compress(data, quality=BROTLI_QUALITY))


class CompressedManifestStorage(CompressedManifestStaticFilesStorage):
    def create_compressor(self, **kwargs: Any) -> Compressor:
        if kwargs.get("extensions") is None:
            kwargs["extensions"] = SKIP_COMPRESS_EXTENSIONS
        return FastCompressor(**kwargs)
