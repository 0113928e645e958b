"""Data: village tables, indicator definitions and computation, figures in text (SPEC §4)."""
