// @ferry/interp: see ARCHITECTURE.md.
