"""Graded problems, one module per lesson (`lesson01.py` → exercise "01")."""
