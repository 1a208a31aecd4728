// @ferry/backend-wasm: see ARCHITECTURE.md.
