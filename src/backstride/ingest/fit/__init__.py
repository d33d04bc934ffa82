"""FIT reader: a fast, checked FIT decoder and its mapping to the canonical Activity."""
