"""Shipped policies (SPEC §3), read with importlib.resources."""
