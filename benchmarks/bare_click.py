"""The start-up reference for ``haze --help``: the smallest click program with a subcommand."""

import click


@click.group()
def cli() -> None:
    """A bare click group."""


@cli.command()
def hello() -> None:
    """A bare command."""


if __name__ == "__main__":
    cli()
