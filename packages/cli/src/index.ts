// @ferry/cli: the ferry command (ferry.ts; npm run build bundles it into dist/main.js).
