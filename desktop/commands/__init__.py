"""Feature sub-commands of `python -m desktop`, discovered by desktop.cli.command_modules()."""
