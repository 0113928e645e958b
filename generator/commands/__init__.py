"""The command line: click commands, the preview server, scaffolds, console output."""
