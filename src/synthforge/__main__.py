"""`python -m synthforge` runs the command line."""

from synthforge.cli import main

main()
