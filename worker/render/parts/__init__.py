"""A long document's PDF printed chapter by chapter, then assembled into one file.

`plan` cuts the document view where a page starts anyway (the cover and contents, then
each run of chapters that starts a page: core.view.Heading.new_page); `printing` prints
one piece with WeasyPrint, without page numbers; `assembly` joins the pieces into one
PDF/UA file (one structure tree, outline, links, contents numbers) and `footer` writes
"Side X af Y" on each page. Pieces print independently, so workers can print them in
parallel and a redraft can reuse the pieces whose HTML did not change.
"""
