"""Developer scripts: preview pages, LibreOffice conversion, system and service checks."""
