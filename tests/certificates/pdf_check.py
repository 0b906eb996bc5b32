"""Render a PDF to images (PDFium) and check that it is not blank; its text through pypdf."""
import io
import re

from pypdf import PdfReader


def text_of(data: bytes) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def rendered_pages(data: bytes, scale: float = 1.5, save_to: str | None = None):
    """Each page as a PIL image; with save_to, also written as PNG files (to look at them)."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    images = []
    for i in range(len(pdf)):
        image = pdf[i].render(scale=scale).to_pil().convert("L")
        if save_to:
            image.save(f"{save_to}-{i + 1}.png")
        images.append(image)
    return images


def ink(image) -> float:
    """The share of pixels that are not white: 0 for a blank page."""
    histogram = image.histogram()
    return 1 - sum(histogram[240:]) / sum(histogram)
