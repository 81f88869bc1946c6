"""The domain: content model, validation, rich text, labels; no framework imports."""
