"""Notice templates (Jinja2) shipped with haze; read with importlib.resources."""
