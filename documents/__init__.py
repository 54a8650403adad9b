"""PDF documents (plain package, not a Django app): see documents/pdf.py."""
