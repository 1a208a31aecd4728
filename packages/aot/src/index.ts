// @ferry/aot: see ARCHITECTURE.md.
