"""The domain: content model, validation, rich text, labels, the diff and budgets.

It imports no framework, database or queue library (an import-linter contract in
pyproject.toml): store/, broker/ and settings/ are built around it.
"""
