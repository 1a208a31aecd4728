// @ferry/opt: see ARCHITECTURE.md.
