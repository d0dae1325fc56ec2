"""Deterministic synthetic e-commerce data: data/raw/<as-of date>/*.csv plus a manifest."""

from generators.batches import generate

__all__ = ["generate"]
