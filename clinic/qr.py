"""QR codes as small inline SVG, drawn on the server (no script, no request to another site)."""

import functools

import qrcode
from django.utils.html import escape
from django.utils.safestring import mark_safe

# Drawing a code costs tens of milliseconds (qrcode tries eight masks), several times the rest of a page's
# render; an address always gives the same code, so each process draws it once. ~2 KB each.
QR_CACHE_SIZE = 4096


@functools.lru_cache(maxsize=QR_CACHE_SIZE)
def _qr_path(text):
    """(size, SVG path of the dark runs of each row) of `text` as a QR code."""
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    matrix = code.get_matrix()
    size = len(matrix)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return size, "".join(runs)


def qr_svg(text, label):
    """An <svg> of `text` as a QR code: one path of the dark runs of each row (a few KB, printable at any size)."""
    size, path = _qr_path(text)
    return mark_safe(  # noqa: S308 - numbers we computed, and the escaped label
        f'<svg class="qr-code" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size * 3}" '
        f'height="{size * 3}" role="img" aria-label="{escape(label)}"><rect width="{size}" height="{size}" '
        f'fill="#fff"/><path d="{path}" fill="#000"/></svg>'
    )
