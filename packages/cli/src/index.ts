// @ferry/cli: the ferry command (main.ts).
