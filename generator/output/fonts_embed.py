"""Fonts inside the standalone HTML: each face it uses, subset to that issue's characters,
inline as an @font-face data URL (SPEC §5: a file kept for decades renders the same anywhere).

Which face draws which text follows the sheet's styles (print.css, jianbao.css): the
masthead, titles and bold leads in the bold serif, 一、 headings and the chart SVGs in
the sans, （一） headings in 楷体, everything in the 仿宋 body face (the fallback for any
character). Each face is embedded under the family name the stylesheets already ask for,
so the CSS stays as it is and a machine without the fonts renders with the embedded ones.

Subsetting uses HarfBuzz's subsetter (libharfbuzz-subset, installed with Pango for
WeasyPrint) when it can be loaded — tens of milliseconds per face — and fontTools
otherwise. The subset is wrapped as WOFF (zlib) by fontTools: measured on the sample
issue, WOFF2 saved only ~10 % on these CFF fonts and took 3–5 s per face instead of
0.1 s. Subsets are cached by font file and character set.
"""

from __future__ import annotations

import base64
import ctypes
import hashlib
import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from generator.output.doctor import FONT_NEEDS
from generator.output.files import write_cache_file

FONTS_FORMAT = "3"  # bump when the subsets or the CSS written here change
FLAVOR = "woff"
ASCII = "".join(chr(c) for c in range(0x20, 0x7F))
PAGE_NUMBER_CHARS = "— 0123456789"

_FANG = next(need for need in FONT_NEEDS if need.name.startswith("仿宋")).families
_KAI = next(need for need in FONT_NEEDS if need.name.startswith("楷体")).families
_SERIF = ("Noto Serif CJK SC", "Source Han Serif SC")
_SANS = ("Noto Sans CJK SC", "Source Han Sans SC")


@dataclass(frozen=True)
class Face:
    """A face the standalone uses: the families that can fill it (first installed wins), its weight."""

    role: str
    families: tuple[str, ...]
    weight: str  # the @font-face font-weight descriptor
    bold: bool  # which style fontconfig should find


FACES = (
    Face("fang", _FANG, "400", False),
    Face("serif-bold", _SERIF, "700 900", True),
    Face("sans", _SANS, "400", False),
    Face("sans-bold", _SANS, "700 900", True),
    Face("kai", _KAI, "400", False),
    Face("song", ("FandolSong",), "400 900", False),  # page numbers, when the file is printed from a browser
)


@dataclass(frozen=True)
class FontFile:
    family: str  # the CSS family name it is embedded under
    path: Path
    index: int  # face index inside a .ttc

    @property
    def identity(self) -> str:
        stat = self.path.stat()
        return f"{self.path}|{self.index}|{stat.st_size}|{stat.st_mtime_ns}"


@dataclass(frozen=True)
class FontSet:
    """The installed files of the faces (found once per build) and the cache folder of subsets."""

    files: dict[str, FontFile]
    missing: tuple[str, ...]
    cache_dir: Path | None = None


ROLE_NAMES = {"fang": "仿宋（正文）", "serif-bold": "Noto Serif CJK SC Bold（红头、标题、加粗）", "sans": "Noto Sans CJK SC（一级标题、图表）",
              "sans-bold": "Noto Sans CJK SC Bold（图表标题）", "kai": "楷体（二级标题）"}


def missing_message(fonts: FontSet) -> str | None:
    """The warning when a face the standalone HTML needs is not installed (page numbers' FandolSong is optional)."""
    names = [ROLE_NAMES[role] for role in fonts.missing if role in ROLE_NAMES]
    if not names:
        return None
    return f"单文件 HTML 未能内嵌这些字体（本机未安装）：{'、'.join(names)}；运行 jianbao doctor 查看安装方法。"


# --- finding the fonts ----------------------------------------------------------


def find_fonts(cache_dir: Path | None = None) -> FontSet:
    """Ask fontconfig for the file of every face; a face none of whose families is installed is missing."""
    files: dict[str, FontFile] = {}
    missing = []
    for face in FACES:
        found = None
        for family in face.families:
            found = fc_match(family, face.bold)
            if found is not None:
                break
        if found is None:
            missing.append(face.role)
        else:
            files[face.role] = found
    return FontSet(files, tuple(missing), cache_dir)


def fc_match(family: str, bold: bool) -> FontFile | None:
    """The file fontconfig gives for a family, if that family is really installed (fc-match always answers)."""
    if shutil.which("fc-match") is None:
        return None
    pattern = f"{family}:weight={'bold' if bold else 'regular'}"
    result = subprocess.run(["fc-match", "-f", "%{file}\\n%{index}\\n%{family}\\n", pattern], capture_output=True, text=True, check=False)
    lines = result.stdout.split("\n")
    if result.returncode != 0 or len(lines) < 3 or not lines[0]:
        return None
    names = {name.strip().casefold() for name in lines[2].split(",")}
    if family.casefold() not in names:
        return None
    path = Path(lines[0])
    if not path.is_file():
        return None
    return FontFile(family, path, int(lines[1] or 0))


# --- which characters each face draws ----------------------------------------------

_SERIF_BOLD_CLASSES = {"jb-masthead", "jb-article-title"}
_SANS_CLASSES = {"jb-h1", "jb-classification"}
_KAI_CLASSES = {"jb-h2"}


class _Characters(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, set[str], bool]] = []  # (tag, classes, bold svg text)
        self.used: dict[str, set[str]] = {face.role: set() for face in FACES}
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "body":
            self._in_body = True
        if tag in ("br", "hr", "img", "meta", "link", "input", "wbr", "path", "rect", "line", "circle", "stop", "use"):
            return
        weight = (values.get("font-weight") or "").strip()
        bold = weight == "bold" or (weight.isdigit() and int(weight) >= 600)
        self.stack.append((tag, set((values.get("class") or "").split()), bold))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if not self._in_body or not data.strip() or any(tag in ("style", "script", "title") for tag, _, _ in self.stack):
            return
        chars = set(data)
        self.used["fang"] |= chars  # the body face: the fallback for every character
        tags = {tag for tag, _, _ in self.stack}
        classes = set().union(*(c for _, c, _ in self.stack)) if self.stack else set()
        if "svg" in tags:
            self.used["sans-bold" if any(bold for _, _, bold in self.stack) else "sans"] |= chars
        elif classes & _SERIF_BOLD_CLASSES or tags & {"strong", "b", "th"}:
            self.used["serif-bold"] |= chars
        if classes & _SANS_CLASSES:
            self.used["sans"] |= chars
        if classes & _KAI_CLASSES:
            self.used["kai"] |= chars


def characters_by_face(html: str) -> dict[str, str]:
    """role → the sorted characters it draws in this HTML (plus ASCII; page number digits for song)."""
    parser = _Characters()
    parser.feed(html)
    parser.close()
    used = parser.used
    result = {}
    for face in FACES:
        chars = used[face.role]
        if face.role == "song":
            chars = set(PAGE_NUMBER_CHARS)
        elif chars:
            chars |= set(ASCII)
        result[face.role] = "".join(sorted(c for c in chars if c.isprintable() or c == " "))
    return result


# --- subsetting ------------------------------------------------------------------


def subset_font(font: FontFile, chars: str) -> bytes:
    """The font reduced to these characters (their glyphs and layout), as WOFF."""
    data = _harfbuzz_subset(font, chars)
    if data is None:
        data = _fonttools_subset(font, chars)
    from fontTools.ttLib import TTFont

    subset = TTFont(io.BytesIO(data), recalcTimestamp=False)  # no clock time in head.modified: byte-identical builds
    subset.flavor = FLAVOR
    out = io.BytesIO()
    subset.save(out, reorderTables=False)
    return out.getvalue()


def _fonttools_subset(font: FontFile, chars: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    face = TTFont(str(font.path), fontNumber=font.index, lazy=True, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(face)
    out = io.BytesIO()
    face.save(out)
    return out.getvalue()


class _HarfBuzz:
    """The few HarfBuzz subsetter calls, through ctypes."""

    NO_HINTING = 0x1

    def __init__(self) -> None:
        hb = ctypes.CDLL("libharfbuzz.so.0")
        hbs = ctypes.CDLL("libharfbuzz-subset.so.0")
        vp = ctypes.c_void_p
        hb.hb_blob_create.restype, hb.hb_blob_create.argtypes = vp, [ctypes.c_char_p, ctypes.c_uint, ctypes.c_int, vp, vp]
        hb.hb_face_create.restype, hb.hb_face_create.argtypes = vp, [vp, ctypes.c_uint]
        hb.hb_set_add.argtypes = [vp, ctypes.c_uint32]
        hb.hb_face_reference_blob.restype, hb.hb_face_reference_blob.argtypes = vp, [vp]
        hb.hb_blob_get_data.restype, hb.hb_blob_get_data.argtypes = ctypes.POINTER(ctypes.c_char), [vp, ctypes.POINTER(ctypes.c_uint)]
        hb.hb_blob_destroy.argtypes = [vp]
        hb.hb_face_destroy.argtypes = [vp]
        hbs.hb_subset_input_create_or_fail.restype = vp
        hbs.hb_subset_input_unicode_set.restype, hbs.hb_subset_input_unicode_set.argtypes = vp, [vp]
        hbs.hb_subset_input_set_flags.argtypes = [vp, ctypes.c_uint]
        hbs.hb_subset_or_fail.restype, hbs.hb_subset_or_fail.argtypes = vp, [vp, vp]
        hbs.hb_subset_input_destroy.argtypes = [vp]
        self.hb, self.hbs = hb, hbs

    def subset(self, data: bytes, index: int, chars: str) -> bytes | None:
        hb, hbs = self.hb, self.hbs
        blob = hb.hb_blob_create(data, len(data), 1, None, None)  # HB_MEMORY_MODE_READONLY
        face = hb.hb_face_create(blob, index)
        request = hbs.hb_subset_input_create_or_fail()
        try:
            if not request:
                return None
            wanted = hbs.hb_subset_input_unicode_set(request)
            for char in chars:
                hb.hb_set_add(wanted, ord(char))
            hbs.hb_subset_input_set_flags(request, self.NO_HINTING)
            result = hbs.hb_subset_or_fail(face, request)
            if not result:
                return None
            out = hb.hb_face_reference_blob(result)
            length = ctypes.c_uint()
            pointer = hb.hb_blob_get_data(out, ctypes.byref(length))
            subset = ctypes.string_at(pointer, length.value) if length.value else None
            hb.hb_blob_destroy(out)
            hb.hb_face_destroy(result)
            return subset
        finally:
            if request:
                hbs.hb_subset_input_destroy(request)
            hb.hb_face_destroy(face)
            hb.hb_blob_destroy(blob)


def _load_harfbuzz() -> _HarfBuzz | None:
    try:
        return _HarfBuzz()
    except (OSError, AttributeError):
        return None


def _harfbuzz_subset(font: FontFile, chars: str) -> bytes | None:
    harfbuzz = _load_harfbuzz()
    if harfbuzz is None:
        return None
    return harfbuzz.subset(font.path.read_bytes(), font.index, chars)


# --- the CSS ------------------------------------------------------------------------


def font_face_css(fonts: FontSet, html: str) -> str:
    """@font-face rules for every installed face this HTML uses, subset to its characters."""
    rules = []
    used = characters_by_face(html)
    for face in FACES:
        font = fonts.files.get(face.role)
        chars = used[face.role] if font is not None else ""
        if font is None or not chars:
            continue
        data = _cached_subset(fonts.cache_dir, font, chars)
        url = f"data:font/{FLAVOR};base64,{base64.b64encode(data).decode('ascii')}"
        rules.append(
            f'@font-face {{ font-family: "{font.family}"; font-style: normal; font-weight: {face.weight}; font-display: block; '
            f'src: url({url}) format("{FLAVOR}"); }}'
        )
    return "\n".join(rules)


def _cached_subset(cache_dir: Path | None, font: FontFile, chars: str) -> bytes:
    key = hashlib.sha256(f"{FONTS_FORMAT}\0{FLAVOR}\0{font.identity}\0{chars}".encode("utf-8")).hexdigest()
    path = cache_dir / f"{key}.{FLAVOR}" if cache_dir is not None else None
    if path is not None and path.is_file():
        # The file starts with the SHA-256 of the subset after it: a damaged file is made again.
        stored = path.read_bytes()
        digest, data = stored[:32], stored[32:]
        if hashlib.sha256(data).digest() == digest and data[:4] == b"wOFF":
            return data
    data = subset_font(font, chars)
    if path is not None:
        write_cache_file(path, hashlib.sha256(data).digest() + data)
    return data


_HEAD_END = re.compile(r"</head>", re.I)


def embed_fonts(html: str, fonts: FontSet) -> str:
    """The HTML with its fonts inline, in a <style> of their own at the end of <head>."""
    css = font_face_css(fonts, html)
    if not css:
        return html
    block = f'<style id="jb-fonts">\n/* Fonts subset to this issue\'s characters (fonts_embed.py). */\n{css}\n</style>\n'
    match = _HEAD_END.search(html)
    if match is None:
        return block + html
    return html[: match.start()] + block + html[match.start() :]
