// @ferry/ir: see ARCHITECTURE.md.
