"""One module per command: the library entry points the CLI calls."""
