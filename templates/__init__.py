"""The document themes: one folder each (templates, print CSS, fonts, theme.toml).

A package only so that the themes ship as package data in the wheel (pyproject.toml).
"""
