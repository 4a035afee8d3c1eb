"""SVG with hatches drawn as lines, not as ``<pattern>`` fills.

Matplotlib writes a hatched shape as a fill with an SVG ``<pattern>``.
Browsers show that well, but Chromium's PDF printer (Skia) turns every
pattern fill into a raster image: in ``rapport.pdf`` each hatched bar became
a picture of its hatching, which made the PDF about 1.3 MB larger and its
print about a quarter of a second slower. This backend draws the same
hatching as vector lines instead: the shape's fill, then the pattern's lines
over the shape's extent in the pattern's own 72-point grid, clipped to the
shape, then the shape's edge. On screen it looks the same; in the PDF it
stays vector (sharp at any zoom, and small).

Used by :func:`sofstat.present.charts.save` through Matplotlib's
``savefig(..., backend="module://sofstat.present.charts.svg")``.
"""

from __future__ import annotations

import codecs
import math

from matplotlib import cbook
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import FigureCanvasSVG, RendererSVG, _generate_css
from matplotlib.colors import rgb2hex
from matplotlib.path import Path
from matplotlib.transforms import Affine2D

#: The side of Matplotlib's SVG hatch tile, in points (``RendererSVG._write_hatches``).
HATCH_SIZE = 72


class LineHatchRenderer(RendererSVG):
    """Matplotlib's SVG renderer, with hatches as clipped lines instead of pattern fills."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shape_clips: dict[str, str] = {}

    def draw_path(self, gc, path, transform, rgbFace=None):
        hatch = gc.get_hatch_path()
        if hatch is None:
            return super().draw_path(gc, path, transform, rgbFace)
        pattern = gc.get_hatch()
        width = gc.get_linewidth()
        try:
            gc.set_hatch(None)
            if rgbFace is not None:  # the fill, without its edge
                gc.set_linewidth(0)
                super().draw_path(gc, path, transform, rgbFace)
                gc.set_linewidth(width)
            self._draw_hatch_lines(gc, hatch, path, transform)
            if width:  # the edge, over the hatching (as over a pattern fill)
                super().draw_path(gc, path, transform, None)
        finally:
            gc.set_linewidth(width)
            gc.set_hatch(pattern)

    def _draw_hatch_lines(self, gc, hatch: Path, path: Path, transform) -> None:
        flip = self._make_flip_transform(transform)
        outline = self._convert_path(path, flip, simplify=False)
        if not outline:
            return
        extent = path.get_extents(flip)
        tile = Affine2D().scale(HATCH_SIZE).scale(1.0, -1.0).translate(0, HATCH_SIZE)
        lines = [
            hatch.transformed(tile + Affine2D().translate(i * HATCH_SIZE, j * HATCH_SIZE))
            for i in range(math.floor(extent.x0 / HATCH_SIZE), math.ceil(extent.x1 / HATCH_SIZE))
            for j in range(math.floor(extent.y0 / HATCH_SIZE), math.ceil(extent.y1 / HATCH_SIZE))
        ]
        if not lines:
            return
        colour = gc.get_hatch_color()
        colour = (0.0, 0.0, 0.0, 1.0) if colour is None else tuple(colour)
        style = {
            "fill": rgb2hex(colour),
            "stroke": rgb2hex(colour),
            "stroke-width": str(gc.get_hatch_linewidth()),
            "stroke-linecap": "butt",
            "stroke-linejoin": "miter",
        }
        if len(colour) == 4 and colour[3] < 1:
            style["stroke-opacity"] = str(colour[3])
        if gc.get_forced_alpha() and gc.get_alpha() != 1.0:
            style["opacity"] = str(gc.get_alpha())
        clip_id = self._shape_clips.get(outline)
        if clip_id is None:
            clip_id = self._shape_clips[outline] = self._make_id("k", outline)
            self.writer.start("defs")
            self.writer.start("clipPath", id=clip_id)
            self.writer.element("path", d=outline)
            self.writer.end("clipPath")
            self.writer.end("defs")
        self.writer.start("g", **self._get_clip_attrs(gc))
        self.writer.element(
            "path",
            d=self._convert_path(Path.make_compound_path(*lines), Affine2D(), simplify=False),
            attrib={"clip-path": f"url(#{clip_id})"},
            style=_generate_css(style),
        )
        self.writer.end("g")

    def draw_path_collection(self, gc, *args, **kwargs):
        if gc.get_hatch_path() is not None:  # one shape at a time, through draw_path
            return RendererBase.draw_path_collection(self, gc, *args, **kwargs)
        return super().draw_path_collection(gc, *args, **kwargs)


class FigureCanvas(FigureCanvasSVG):
    """Matplotlib's SVG canvas, drawing with :class:`LineHatchRenderer`."""

    def print_svg(self, filename, *, bbox_inches_restore=None, metadata=None, **_ignored):
        # as FigureCanvasSVG.print_svg, with the renderer above (savefig passes this canvas, from
        # outside Matplotlib, options such as orientation that SVG does not use)
        with cbook.open_file_cm(filename, "w", encoding="utf-8") as fh:
            if not cbook.file_requires_unicode(fh):
                fh = codecs.getwriter("utf-8")(fh)
            dpi = self.figure.dpi
            self.figure.dpi = 72
            width, height = self.figure.get_size_inches()
            renderer = MixedModeRenderer(
                self.figure,
                width,
                height,
                dpi,
                LineHatchRenderer(width * 72, height * 72, fh, image_dpi=dpi, metadata=metadata),
                bbox_inches_restore=bbox_inches_restore,
            )
            self.figure.draw(renderer)
            renderer.finalize()
