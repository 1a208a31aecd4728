// @ferry/runtime: see ARCHITECTURE.md.
