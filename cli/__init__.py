"""The `udkast` command line."""
