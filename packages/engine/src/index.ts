// @ferry/engine: see ARCHITECTURE.md.
