"""Pieces printed apart, joined into one tagged PDF as if printed in one pass.

What a plain concatenation would lose, and this keeps (docs/part-rendering.md):
- one structure tree: every piece's elements under the first piece's Document element,
  each piece's ParentTree keys shifted past the ones before it, with the pages'
  /StructParents and the links' /StructParent, so the tree reaches every tagged id;
- the named destinations of every piece's own anchors (not the empty targets a piece
  printed for the links into others), so links between pieces resolve;
- the outline (bookmarks) of every piece, in order;
- one embedded subset of each face, joined from every piece's (fonts.share_fonts), and
  one copy of each colour profile (the archival PDF's sRGB, which every piece embeds);
- "Side X af Y" on every page that has a footer (footer.FooterWriter).
The catalogue (language, metadata, viewer preferences, output intent) is the first
piece's, which is printed from the same document head as the single pass.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import pikepdf

from worker.render.parts.fonts import share_fonts
from worker.render.parts.footer import FooterLook, FooterWriter
from worker.render.parts.printing import PrintedPiece

Copier = Callable[[pikepdf.Object], pikepdf.Object]


def _same(value: pikepdf.Object) -> pikepdf.Object:
    return value


def assemble(pieces: Sequence[PrintedPiece], look: FooterLook) -> bytes:
    """Join printed pieces, the cover and contents first, into one PDF; return its bytes."""
    with pikepdf.open(io.BytesIO(pieces[0].pdf)) as whole:
        joiner = _Joiner(whole)
        joiner.take_own(whole, pieces[0], first_page=0)
        for piece in pieces[1:]:
            with pikepdf.open(io.BytesIO(piece.pdf)) as part:
                joiner.append(part, piece)
        joiner.finish()
        share_fonts(whole)
        _share_colour_profiles(whole)
        total = len(whole.pages)
        writer = FooterWriter(whole, look)
        start = 0
        for piece in pieces:
            for index in piece.footed:
                page = start + index
                writer.write(whole.pages[page], look.text(page + 1, total))
            start += piece.pages
        out = io.BytesIO()
        # The same pieces give the same bytes: the file's /ID is derived from its content.
        # Object streams pack the pieces' many small objects (structure elements, one
        # set of font dictionaries each): M's file goes from 2.6 to 1.4 times the single
        # pass's size. PDF/A-2 (PDF 1.7) allows them.
        whole.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()


# What may hold a colour space: a drawing (a form XObject) is a stream, not a dictionary.
_CONTAINERS = (pikepdf.Array, pikepdf.Dictionary, pikepdf.Stream)


def _share_colour_profiles(whole: pikepdf.Pdf) -> None:
    """Point every ICC-based colour space the pages use at one copy of each profile.

    Each archival piece embeds the sRGB profile for its pages' colours and for its
    drawings' transparency groups; the joined file needs it once.
    """
    kept: dict[tuple[bytes, str], pikepdf.Object] = {}
    seen: set[tuple[int, int]] = set()

    def visit(value: pikepdf.Object) -> None:
        if getattr(value, "is_indirect", False):
            if value.objgen in seen:
                return
            seen.add(value.objgen)
        if isinstance(value, pikepdf.Array):
            profile = value[1] if len(value) == 2 else None
            if value[0] == "/ICCBased" and isinstance(profile, pikepdf.Stream):
                shape = repr(sorted((str(k), repr(v)) for k, v in profile.items()))
                value[1] = kept.setdefault((profile.read_raw_bytes(), shape), profile)
                return
            for item in value:
                if isinstance(item, _CONTAINERS):
                    visit(item)
        elif isinstance(value, pikepdf.Dictionary | pikepdf.Stream):
            for key, item in value.items():
                if key != "/Parent" and isinstance(item, _CONTAINERS):
                    visit(item)

    for page in whole.pages:
        for key in ("/Resources", "/Group"):
            if key in page.obj:
                visit(page.obj[key])


class _Joiner:
    """The growing document: its structure tree, destinations and outline."""

    def __init__(self, whole: pikepdf.Pdf) -> None:
        self.whole = whole
        root = whole.Root.StructTreeRoot
        self.document = _document_element(root)
        self.parents = pikepdf.NumberTree(root.ParentTree)
        self.next_key = int(root.get("/ParentTreeNextKey", _next_key(self.parents)))
        self.dests: dict[str, pikepdf.Object] = {}
        self.outline: list[pikepdf.OutlineItem] = []

    def take_own(self, pdf: pikepdf.Pdf, piece: PrintedPiece, first_page: int) -> None:
        """Keep the destinations of the piece's own anchors, and its outline."""
        del first_page  # the first piece's pages are the document's first
        self.dests.update(_own_dests(pdf, piece, copy=_same))
        with pdf.open_outline() as outline:
            self.outline.extend(_rebuilt(item, _same) for item in outline.root)

    def append(self, part: pikepdf.Pdf, piece: PrintedPiece) -> None:
        """Append a piece's pages, structure, destinations and outline."""
        whole = self.whole
        first = len(whole.pages)
        whole.pages.extend(part.pages)
        offset = self.next_key
        source_root = part.Root.StructTreeRoot
        source_doc = _document_element(source_root)
        kids = _as_list(source_doc.get("/K"))
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and "/P" in kid:
                del kid["/P"]  # so copying does not bring the piece's whole tree along
        doc_kids = self.document.get("/K")
        if not isinstance(doc_kids, pikepdf.Array):
            doc_kids = pikepdf.Array(_as_list(doc_kids))
            self.document.K = doc_kids
        for kid in kids:
            copied = self._copy(kid)
            if isinstance(copied, pikepdf.Dictionary):
                copied.P = self.document
            doc_kids.append(copied)
        highest = -1
        for key, value in pikepdf.NumberTree(source_root.ParentTree).items():
            self.parents[int(key) + offset] = self._copy(value)
            highest = max(highest, int(key))
        for page in whole.pages[first:]:
            obj = page.obj
            if "/StructParents" in obj:
                obj.StructParents = int(obj.StructParents) + offset
            for annot in obj.get("/Annots", pikepdf.Array()):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + offset
        self.next_key = offset + highest + 1
        _join_dictionary(self.whole.Root.StructTreeRoot, source_root, "/RoleMap")
        _join_dictionary(self.whole.Root.StructTreeRoot, source_root, "/ClassMap")
        self.dests.update(_own_dests(part, piece, copy=self._copy))
        with part.open_outline() as outline:
            self.outline.extend(_rebuilt(item, self._copy) for item in outline.root)

    def finish(self) -> None:
        """Write the joined destinations, outline and the ParentTree's next key."""
        whole = self.whole
        whole.Root.StructTreeRoot.ParentTreeNextKey = self.next_key
        names = whole.Root.get("/Names")
        if names is None:
            names = whole.Root.Names = whole.make_indirect(pikepdf.Dictionary())
        tree = pikepdf.NameTree.new(whole)
        for name in sorted(self.dests):
            tree[name] = self.dests[name]
        names.Dests = tree.obj
        with whole.open_outline() as outline:
            outline.root.clear()
            outline.root.extend(self.outline)

    def _copy(self, value: pikepdf.Object) -> pikepdf.Object:
        """Copy a piece's object in, its references to copied pages mapped to the copies."""
        if isinstance(value, pikepdf.Array) and not value.is_indirect:
            return pikepdf.Array([self._copy(item) for item in value])
        if isinstance(value, pikepdf.Dictionary) and not value.is_indirect:
            return pikepdf.Dictionary({k: self._copy(v) for k, v in value.items()})
        if getattr(value, "is_indirect", False):
            return self.whole.copy_foreign(value)
        return value


def _document_element(root: pikepdf.Object) -> pikepdf.Object:
    """Return the structure tree's one top element (WeasyPrint's Document)."""
    kids = _as_list(root.get("/K"))
    if len(kids) != 1 or not isinstance(kids[0], pikepdf.Dictionary):
        raise ValueError("a printed piece's structure tree has no single top element")
    return kids[0]


def _as_list(value: pikepdf.Object | None) -> list[pikepdf.Object]:
    if value is None:
        return []
    if isinstance(value, pikepdf.Array):
        return list(value)
    return [value]


def _next_key(tree: pikepdf.NumberTree) -> int:
    return max((int(key) for key in tree), default=-1) + 1


def _join_dictionary(whole: pikepdf.Object, part: pikepdf.Object, key: str) -> None:
    extra = part.get(key)
    if extra is None:
        return
    if key not in whole:
        whole[key] = pikepdf.Dictionary()
    for name, value in extra.items():
        if name not in whole[key]:
            whole[key][name] = value


def _own_dests(pdf: pikepdf.Pdf, piece: PrintedPiece, copy: Copier) -> dict[str, pikepdf.Object]:
    """Return the piece's destinations of its own anchors (not the empty targets)."""
    names = pdf.Root.get("/Names")
    dests = names.get("/Dests") if names is not None else None
    if dests is None:
        return {}
    tree = pikepdf.NameTree(dests)
    return {name: copy(tree[name]) for name in tree if name in piece.anchors}


def _rebuilt(item: pikepdf.OutlineItem, copy: Copier) -> pikepdf.OutlineItem:
    """Return an outline item (with its children) whose destination is in the whole."""
    # WeasyPrint's bookmarks are explicit destinations ([page /XYZ left top zoom]).
    destination = item.destination
    action = item.action
    made = pikepdf.OutlineItem(
        item.title,
        destination=copy(destination) if isinstance(destination, pikepdf.Array) else destination,  # type: ignore[arg-type]
        action=copy(action) if action is not None else None,  # type: ignore[arg-type]
    )
    made.is_closed = item.is_closed
    made.children.extend(_rebuilt(child, copy) for child in item.children)
    return made
