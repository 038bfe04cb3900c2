"""The command line: the parser (parser.py) and one module per sub-command. No Qt here."""
