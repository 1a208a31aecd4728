// @ferry/cli: see ARCHITECTURE.md.
