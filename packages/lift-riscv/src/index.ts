// @ferry/lift-riscv: see ARCHITECTURE.md.
