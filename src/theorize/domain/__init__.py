"""Dataclasses and span/offset logic. No I/O, no framework imports."""
