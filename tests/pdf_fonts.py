"""The font programs a PDF's pages draw their text with, as tests read them back."""

from __future__ import annotations

from collections.abc import Iterator

import pikepdf


def reached_descriptors(pdf: pikepdf.Pdf) -> Iterator[tuple[pikepdf.Object, pikepdf.Object]]:
    """Yield (font, font descriptor) once per descriptor a page's composite font reaches."""
    seen: set[tuple[int, int]] = set()
    for each in pdf.pages:
        for font in each.Resources.get("/Font", pikepdf.Dictionary()).values():
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get("/FontDescriptor")
                if descriptor is not None and descriptor.objgen not in seen:
                    seen.add(descriptor.objgen)
                    yield font, descriptor
