#!/usr/bin/env bash
# Tools the briefing report's tests use to check its PDF: pdftotext, pdftoppm, pdffonts
# (poppler-utils) and the DejaVu fonts WeasyPrint embeds (Cyrillic and Kazakh letters).
# Debian/Ubuntu; run as root. Without them the PDF tests skip and say why.
set -euo pipefail
need=()
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -q "DejaVu Sans" || need+=(fonts-dejavu-core)
# WeasyPrint renders with Pango (route sheets, the briefing's PDF).
ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so" || need+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so" || need+=(libpangoft2-1.0-0)
# Font subsetting; without it WeasyPrint warns on import (an error under the tests' settings).
ldconfig -p 2>/dev/null | grep -q "libharfbuzz-subset.so" || need+=(libharfbuzz-subset0)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
